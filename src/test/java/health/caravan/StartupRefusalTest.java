package health.caravan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import health.caravan.support.HttpApi;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;

/**
 * Misconfiguration stops the start with the setting named: taken ports, development mode outside the
 * embedded trial, TLS and keys that would silently weaken.
 */
class StartupRefusalTest {

    private static String refusal(Map<String, String> settings) {
        Throwable e = assertThrows(Exception.class, () -> TestCaravan.start(settings).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @Test
    void takenHttpPort() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        try (ServerSocket taken = new ServerSocket(Integer.parseInt(o.get("caravan.http.port")), 50, InetAddress.getByName("0.0.0.0"))) {
            String why = refusal(o);
            assertTrue(why.contains("caravan.http.port (CARAVAN_HTTP_PORT)"), why);
        }
        // the MLLP port of that attempt is free again: nothing was left half-running
        try (ServerSocket free = new ServerSocket(Integer.parseInt(o.get("caravan.mllp.port")))) {
            assertTrue(free.isBound());
        }
    }

    @Test
    void takenMllpPort() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        try (ServerSocket taken = new ServerSocket(Integer.parseInt(o.get("caravan.mllp.port")), 50, InetAddress.getByName("0.0.0.0"))) {
            String why = refusal(o);
            assertTrue(why.contains("caravan.mllp.port (CARAVAN_MLLP_PORT)"), why);
        }
    }

    @Test
    void noTokenKeyOutsideDevelopmentMode() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.jwt.hs-key", "");
        String why = refusal(o);
        assertTrue(why.contains("caravan.jwt.hs-key (CARAVAN_JWT_HS_KEY)"), why);
    }

    @Test
    void developmentModeIsRefusedWithAnExternalDatabase() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.dev-mode", "true");
        o.put("caravan.jwt.hs-key", "");
        String why = refusal(o);
        assertTrue(why.contains("caravan.dev-mode (CARAVAN_DEV_MODE)"), why);
    }

    @Test
    void jwksOnlySetupPrintsNoTokenAndAcceptsNoHmacToken() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.jwt.hs-key", "");
        o.put("caravan.jwt.jwks-url", "http://127.0.0.1:9/jwks.json");
        TestCaravan.Started started = TestCaravan.startCapturingStdout(o);
        TestCaravan caravan = started.caravan();
        try (caravan) {
            assertFalse(started.printed().contains("development token"), "no token printed");
            // an HS-signed token of the internal issuer (any key) is not accepted: there is no HMAC path
            HttpApi.Response r = caravan.http.get("/dhos/v1/message/search/X", Tokens.readWrite());
            assertEquals(401, r.status(), r.body());
        }
    }

    @Test
    void mutualTlsWithoutTrustStore() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.mllp.tls.enabled", "true");
        o.put("caravan.mllp.tls.keystore", "/nonexistent/keystore.p12");
        o.put("caravan.mllp.tls.client-auth", "true");
        o.put("caravan.mllp.tls.truststore", "");
        String why = refusal(o);
        assertTrue(why.contains("caravan.mllp.tls.truststore (CARAVAN_MLLP_TLS_TRUSTSTORE)"), why);
    }

    @Test
    void eprKeyTooShortForHs512() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.epr.url", "http://127.0.0.1:9/");
        o.put("caravan.epr.hs-key", "k".repeat(40));
        String why = refusal(o);
        assertTrue(why.contains("caravan.epr.hs-key (CARAVAN_EPR_HS_KEY)"), why);
    }

    @Test
    void examplesRepositoryWithoutWebhookSecret() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.examples.repo-url", "/nonexistent/repo.git");
        o.put("caravan.examples.webhook-secret", "");
        String why = refusal(o);
        assertTrue(why.contains("caravan.examples.webhook-secret (CARAVAN_WEBHOOK_SECRET)"), why);
    }

    @Test
    void anonymisedExtractWithoutKey() throws Exception {
        Path dir = Files.createTempDirectory("caravan-extracts");
        Files.writeString(dir.resolve("people.dataset.json"),
                "{\"name\":\"people\",\"query\":\"people.sql\",\"template\":\"people.template.json\",\"endpoint\":\"people\"}");
        Files.writeString(dir.resolve("people.sql"), "SELECT 1 AS id");
        Files.writeString(dir.resolve("people.template.json"), "{\"id\":{\"process_as\":\"anonymous\"}}");
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.extracts.db.url", TestCaravan.postgresUrl());
        o.put("caravan.extracts.dir", dir.toString());
        o.put("caravan.reqcheck.key", "");
        String why = refusal(o);
        assertTrue(why.contains("caravan.reqcheck.key (CARAVAN_REQCHECK_KEY)"), why);
    }

    @Test
    void aNumberSettingThatIsNotANumberIsNamed() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.store.writers", "two");
        String why = refusal(o);
        assertTrue(why.contains("caravan.store.writers"), why);
    }

    @Test
    void theLastLinePrefersTheMessageNamingTheSetting() {
        Exception e = new IllegalStateException("Error configuring",
                new IllegalArgumentException("Could not convert property caravan.store.writers=two",
                        new NumberFormatException("For input string: \"two\"")));
        assertEquals("Could not convert property caravan.store.writers=two", Caravan.rootMessage(e));
        assertEquals("Refusing to start: x", Caravan.rootMessage(new RuntimeException("wrapped",
                new IllegalStateException("Refusing to start: x"))));
    }

    /** The real process: exits non-zero within seconds, its last log line naming the setting. */
    @Test
    void theProcessExitsNonZeroNamingTheSetting() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        int port = Integer.parseInt(o.get("caravan.http.port"));
        try (ServerSocket taken = new ServerSocket(port, 50, InetAddress.getByName("0.0.0.0"))) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Caravan.class.getName());
            pb.environment().put("CARAVAN_HTTP_PORT", String.valueOf(port));
            pb.environment().put("CARAVAN_MLLP_PORT", o.get("caravan.mllp.port"));
            pb.environment().put("CARAVAN_DATA_DIR", Files.createTempDirectory("caravan-refusal").toString());
            pb.environment().put("CARAVAN_AMQP_PORT", String.valueOf(TestCaravan.freePort()));
            pb.redirectErrorStream(true);
            File log = Files.createTempFile("caravan-refusal", ".log").toFile();
            pb.redirectOutput(log);
            Process p = pb.start();
            boolean ended = p.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            assertTrue(ended, "the process ended by itself");
            assertNotEquals(0, p.exitValue());
            List<String> lines = Files.readAllLines(log.toPath(), StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).toList();
            String last = lines.get(lines.size() - 1);
            assertTrue(last.contains("caravan.http.port (CARAVAN_HTTP_PORT)"), String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
    }
}
