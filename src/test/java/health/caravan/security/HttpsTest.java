package health.caravan.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;

import health.caravan.support.TestCaravan;
import health.caravan.support.TestCertificates;

/** HTTPS on the API port by configuration (CARAVAN_HTTP_TLS*). */
class HttpsTest {

    @Test
    void apiAndHealthOverHttps() throws Exception {
        TestCertificates certs = TestCertificates.create();
        Map<String, String> o = TestCaravan.defaults();
        o.put("camel.ssl.enabled", "true");
        o.put("camel.ssl.key-store", "file:" + certs.path("server.p12"));
        o.put("camel.ssl.keystore-password", TestCertificates.PASSWORD);
        o.put("camel.server.use-global-ssl-context-parameters", "true");
        o.put("camel.management.use-global-ssl-context-parameters", "true");
        try (TestCaravan caravan = TestCaravan.start(o)) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(certs.load("client-trust.p12"));
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
            HttpResponse<String> running = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + caravan.httpPort + "/running")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, running.statusCode());
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + caravan.httpPort + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + caravan.httpPort + "/running")).build(), HttpResponse.BodyHandlers.ofString()),
                    "plain HTTP is not served");
        }
    }
}
