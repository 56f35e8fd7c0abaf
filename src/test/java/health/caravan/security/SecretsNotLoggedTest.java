package health.caravan.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import health.caravan.ops.SettingsSummary;
import health.caravan.support.CapturedLogs;
import health.caravan.support.TestCaravan;

/** The start-up settings summary shows which settings were given, never a secret (by name or inside a URL). */
class SecretsNotLoggedTest {

    @Test
    void startUpSummaryMasksSecrets() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.db.url", TestCaravan.postgresUrl() + "?password=pg-url-secret-7731");
        o.put("caravan.epr.url", "http://epr-user:epr-url-secret-5512@127.0.0.1:9/");
        o.put("caravan.examples.webhook-secret", "webhook-secret-value-9012");
        o.put("caravan.fhir.server-password", "fhir-password-value-3345");
        String logs;
        try (CapturedLogs captured = new CapturedLogs(); TestCaravan caravan = TestCaravan.start(o)) {
            logs = captured.text();
        }
        assertTrue(logs.contains("caravan.jwt.hs-key = xxxxxx"), "the summary lists the setting, masked");
        assertTrue(logs.contains("caravan.epr.url = http://xxxxxx@127.0.0.1:9/"), "a URL keeps its host, not its credentials");
        for (String secret : List.of(TestCaravan.HS_KEY, TestCaravan.EPR_KEY, "pg-url-secret-7731", "epr-url-secret-5512",
                "webhook-secret-value-9012", "fhir-password-value-3345", "guest:guest@")) {
            assertFalse(logs.contains(secret), "the log shows a secret: " + secret);
        }
    }

    @Test
    void masking() {
        assertEquals("xxxxxx", SettingsSummary.mask("caravan.jwt.hs-key", "abc"));
        assertEquals("xxxxxx", SettingsSummary.mask("caravan.reqcheck.password", "abc"));
        assertEquals("xxxxxx", SettingsSummary.mask("caravan.some.api-token", "abc"));
        assertEquals("xxxxxx", SettingsSummary.mask("caravan.x.client-credentials", "abc"));
        assertEquals("", SettingsSummary.mask("caravan.jwt.hs-key", ""));
        assertEquals("amqp://xxxxxx@rabbit:5672/vh", SettingsSummary.mask("caravan.rabbitmq.url", "amqp://u:p@rabbit:5672/vh"));
        assertEquals("jdbc:postgresql://db/x?user=a&password=xxxxxx&ssl=true",
                SettingsSummary.mask("caravan.db.url", "jdbc:postgresql://db/x?user=a&password=p&ssl=true"));
        assertEquals("jdbc:sqlserver://db;user=a;password=xxxxxx",
                SettingsSummary.mask("caravan.extracts.db.url", "jdbc:sqlserver://db;user=a;password=p"));
        assertEquals("https://h/x?access_token=xxxxxx", SettingsSummary.mask("caravan.x.url", "https://h/x?access_token=t"));
        assertEquals("http://127.0.0.1:8080/", SettingsSummary.mask("caravan.jwt.issuer", "http://127.0.0.1:8080/"));
        assertEquals("/etc/caravan/mllp.p12", SettingsSummary.mask("caravan.mllp.tls.keystore", "/etc/caravan/mllp.p12"));
        assertEquals("1000", SettingsSummary.mask("caravan.extracts.retry-backoff-ms", "1000"));
    }
}
