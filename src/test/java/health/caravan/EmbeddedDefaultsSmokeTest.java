package health.caravan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import health.caravan.support.Ack;
import health.caravan.support.Fixtures;
import health.caravan.support.HttpApi;
import health.caravan.support.MllpClient;
import health.caravan.support.RabbitConsumer;
import health.caravan.support.TestCaravan;

/**
 * The out-of-the-box run: no database server (embedded H2 under the data dir), no signing key (a
 * generated key and a development token printed at start-up), no broker (the embedded AMQP 0-9-1
 * broker). ADT in over MLLP and HTTP, actions out through the embedded broker.
 */
class EmbeddedDefaultsSmokeTest {

    @Test
    void acceptsAdtOnEmbeddedDefaults() throws Exception {
        Path dataDir = Files.createTempDirectory("caravan-smoke");
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.data-dir", dataDir.toString());
        o.put("caravan.db.url", "");
        o.put("caravan.db.user", "");
        o.put("caravan.jwt.hs-key", "");
        o.put("caravan.jwt.issuer", "http://localhost:8080/");
        o.put("caravan.rabbitmq.url", "");
        int amqpPort = TestCaravan.freePort();
        o.put("caravan.amqp.port", String.valueOf(amqpPort));

        TestCaravan.Started started = TestCaravan.startCapturingStdout(o);
        TestCaravan caravan = started.caravan();
        try (caravan) {
            String printed = started.printed();
            assertTrue(printed.contains("Caravan development token"), "development token printed");
            String token = printed.lines().dropWhile(l -> !l.contains("Caravan development token")).skip(1).findFirst().orElseThrow().trim();

            byte[] a01 = Fixtures.resource("fixtures/polaris/inbound/A01.hl7");
            try (RabbitConsumer consumer = new RabbitConsumer("amqp://guest:guest@127.0.0.1:" + amqpPort);
                 MllpClient client = caravan.mllp()) {
                assertEquals("AA", new Ack(client.send(a01)).code());
                RabbitConsumer.Delivery published = consumer.next(15_000);
                assertNotNull(published, "published through the embedded AMQP broker");
                assertEquals(Fixtures.JSON.readTree(Fixtures.resource("fixtures/polaris/inbound/A01.expected.json")).get("actions"),
                        Fixtures.JSON.readTree(published.body()).get("actions"));
            }
            byte[] a02 = Fixtures.resource("fixtures/polaris/inbound/A02.hl7");
            HttpApi.Response r = caravan.http.postHl7(token, a02);
            assertEquals(200, r.status(), r.body());
            assertEquals("AA", new Ack(r.ack()).code());
            HttpApi.Response stored = caravan.http.get("/dhos/v1/message/" + r.json().get("uuid").asText(), token);
            assertEquals(200, stored.status());
            assertEquals("ADT^A02", stored.json().get("message_type").asText());
            assertNotNull(caravan.http.get("/dhos/v1/message/search/Q549291682T550454059X18391A1096", token).json().get(0));
            assertEquals(200, caravan.http.get("/caravan/v1/deliveries?state=DEAD", token).status(), "the token carries every scope");
            assertEquals(200, caravan.http.get("/caravan/v1/extracts/runs", token).status());
            // the A01 in Caravan's FHIR store on H2 (projected in the background)
            JsonNode found = null;
            for (int i = 0; i < 300 && (found == null || found.get("total").asInt() == 0); i++) {
                Thread.sleep(50);
                HttpApi.Response search = caravan.http.get("/fhir/Patient?identifier=1239874560", token);
                assertEquals(200, search.status(), search.body());
                found = search.json();
            }
            assertEquals(1, found.get("total").asInt(), "the A01 patient in the FHIR store");
            assertEquals(1, caravan.http.get("/fhir/Encounter?identifier=909127805", token).json().get("total").asInt());
        }
        assertTrue(Files.exists(dataDir.resolve("caravan.mv.db")), "H2 database under the data dir");
    }
}
