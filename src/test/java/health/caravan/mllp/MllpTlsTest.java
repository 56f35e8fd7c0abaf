package health.caravan.mllp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import health.caravan.support.Ack;
import health.caravan.support.Messages;
import health.caravan.support.MllpClient;
import health.caravan.support.TestCaravan;

/** MLLP over TLS with client-certificate authentication, keys made with the JDK's keytool for this test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MllpTlsTest {

    private static final String PASSWORD = "changeit-test";

    private Path dir;
    private TestCaravan caravan;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("caravan-tls");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", path("server.p12"), "-storepass", PASSWORD);
        keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=sending-system",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", path("client.p12"), "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", "server", "-keystore", path("server.p12"), "-storepass", PASSWORD, "-file", path("server.crt"));
        keytool("-exportcert", "-alias", "client", "-keystore", path("client.p12"), "-storepass", PASSWORD, "-file", path("client.crt"));
        keytool("-importcert", "-noprompt", "-alias", "client", "-file", path("client.crt"), "-storetype", "PKCS12",
                "-keystore", path("server-trust.p12"), "-storepass", PASSWORD);
        keytool("-importcert", "-noprompt", "-alias", "server", "-file", path("server.crt"), "-storetype", "PKCS12",
                "-keystore", path("client-trust.p12"), "-storepass", PASSWORD);

        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.mllp.tls.enabled", "true");
        o.put("caravan.mllp.tls.client-auth", "true");
        o.put("caravan.mllp.tls.keystore", path("server.p12"));
        o.put("caravan.mllp.tls.keystore-password", PASSWORD);
        o.put("caravan.mllp.tls.truststore", path("server-trust.p12"));
        o.put("caravan.mllp.tls.truststore-password", PASSWORD);
        caravan = TestCaravan.start(o);
    }

    @AfterAll
    void stop() throws Exception {
        caravan.close();
    }

    @Test
    void acceptsAClientWithACertificate() throws Exception {
        try (MllpClient client = new MllpClient(socket(true))) {
            assertEquals("AA", new Ack(client.send(Messages.a01("TLS-" + System.nanoTime(), "830001"))).code());
        }
    }

    @Test
    void refusesAClientWithoutACertificate() {
        assertThrows(IOException.class, () -> {
            try (MllpClient client = new MllpClient(socket(false))) {
                String ack = client.send(Messages.a01("TLS-NOCERT", "830002"));
                if (ack == null) {
                    throw new IOException("closed without an ACK");
                }
            }
        });
    }

    @Test
    void refusesPlainText() throws Exception {
        try (MllpClient client = caravan.mllp()) {
            assertEquals(null, client.send(Messages.a01("TLS-PLAIN", "830003")));
        } catch (IOException expected) {
            // reset by peer is fine too
        }
    }

    private SSLSocket socket(boolean withClientCertificate) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load("client-trust.p12"));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load("client.p12"), PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(withClientCertificate ? kmf.getKeyManagers() : null, tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", caravan.mllpPort);
        socket.startHandshake();
        return socket;
    }

    private KeyStore load(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(path(name))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    private static void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new java.util.ArrayList<>(List.of(keytool.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }
}
