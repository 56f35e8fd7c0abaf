package health.caravan.mllp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
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
import health.caravan.support.TestCertificates;

/** MLLP over TLS with client-certificate authentication, keys made with the JDK's keytool for this test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MllpTlsTest {

    private static final String PASSWORD = TestCertificates.PASSWORD;

    private TestCertificates certs;
    private TestCaravan caravan;

    @BeforeAll
    void start() throws Exception {
        certs = TestCertificates.create();
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.mllp.tls.enabled", "true");
        o.put("caravan.mllp.tls.client-auth", "true");
        o.put("caravan.mllp.tls.keystore", certs.path("server.p12"));
        o.put("caravan.mllp.tls.keystore-password", PASSWORD);
        o.put("caravan.mllp.tls.truststore", certs.path("server-trust.p12"));
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
        tmf.init(certs.load("client-trust.p12"));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(certs.load("client.p12"), PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(withClientCertificate ? kmf.getKeyManagers() : null, tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", caravan.mllpPort);
        socket.startHandshake();
        return socket;
    }
}
