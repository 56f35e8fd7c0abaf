package health.caravan.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import health.caravan.store.MessageRecord;
import health.caravan.store.MessageState;
import health.caravan.store.TimeOrderedUuid;
import health.caravan.support.Fixtures;
import health.caravan.support.HttpApi;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;

/**
 * Without {@code CARAVAN_EPR_URL} (or {@code CARAVAN_CDA_URL}) a delivery waits: it stays PENDING with no
 * attempt used however often the retrier runs, and goes out once Caravan is restarted with the target set.
 */
class DeliveryWaitsForTargetTest {

    private static final String ACK_AA = "MSH|^~\\&|OXON_TIE_ADT|OXON|c0481|OXON|20190702171301||ACK^A01|9183171301514230J4YP|P|2.3\r\nMSA|AA|TESTMSG3333";
    private static final Pattern POLLS = Pattern.compile(
            "(?m)^camel_exchanges_total\\{[^}]*routeId=\"delivery-retry\"[^}]*\\} ([0-9.E+]+)$");

    private final String token = Tokens.internal("read:hl7_message write:hl7_message read:delivery write:delivery");

    @Test
    void waitsWithoutATargetAndIsSentOnceOneIsConfigured() throws Exception {
        TestCaravan.truncatePostgres();
        Path trustomer = Files.createTempFile("trustomer", ".json");
        Files.write(trustomer, Fixtures.resource("fixtures/polaris/oru/trustomer.json"));
        Map<String, String> settings = TestCaravan.defaults();
        settings.put("caravan.oru.settings", trustomer.toString());
        settings.put("caravan.delivery.poll-ms", "100");
        settings.put("caravan.delivery.base-backoff-ms", "50");
        settings.put("caravan.delivery.max-attempts", "2");

        // a CDA delivery left PENDING by an earlier run that had CARAVAN_CDA_URL
        String cdaDelivery = pendingCdaDelivery();

        String deliveryId;
        TestCaravan caravan = TestCaravan.start(settings);
        try {
            HttpApi.Response r = caravan.http.send("POST", "/dhos/v1/oru_message", token, request("waits-set-1"));
            assertEquals(202, r.status(), r.body());
            assertTrue(r.json().get("message").asText().contains("CARAVAN_EPR_URL"), r.body());
            deliveryId = r.json().get("delivery_id").asText();

            // let the retrier run several times (far more than the 2 attempts allowed)
            double before = polls(caravan);
            long deadline = System.currentTimeMillis() + 30_000;
            while (polls(caravan) < before + 10) {
                assertTrue(System.currentTimeMillis() < deadline, "the retrier did not run");
                Thread.sleep(100);
            }

            for (String id : new String[] {deliveryId, cdaDelivery}) {
                JsonNode d = caravan.http.get("/caravan/v1/deliveries/" + id, token).json();
                assertEquals("PENDING", d.get("state").asText(), d.toString());
                assertEquals(0, d.get("attempts").size(), "no attempt is made or counted: " + d);
                assertTrue(d.get("last_error") == null || d.get("last_error").isNull()
                        || d.get("last_error").asText().contains("configured"), d.toString());
            }
            JsonNode oru = caravan.http.get("/caravan/v1/deliveries/" + deliveryId, token).json();
            assertTrue(oru.get("last_error").asText().contains("CARAVAN_EPR_URL"), oru.toString());
            boolean listed = false;
            for (JsonNode d : caravan.http.get("/caravan/v1/deliveries?state=PENDING", token).json()) {
                if (deliveryId.equals(d.get("id").asText())) {
                    listed = true;
                    assertEquals(0, d.get("attempts").asInt(), d.toString());
                }
            }
            assertTrue(listed);
        } finally {
            caravan.close();
        }

        AtomicInteger received = new AtomicInteger();
        HttpServer epr = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        epr.createContext("/epr/v1/hl7_message", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.incrementAndGet();
            byte[] answer = ("{\"type\": \"hl7v2\", \"body\": \"" + Base64.getEncoder().encodeToString(ACK_AA.getBytes()) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        epr.start();
        settings.put("caravan.epr.url", "http://127.0.0.1:" + epr.getAddress().getPort());
        caravan = TestCaravan.start(settings);
        try {
            long deadline = System.currentTimeMillis() + 20_000;
            JsonNode d = caravan.http.get("/caravan/v1/deliveries/" + deliveryId, token).json();
            while (!"DELIVERED".equals(d.get("state").asText())) {
                assertTrue(System.currentTimeMillis() < deadline, "never delivered: " + d);
                Thread.sleep(100);
                d = caravan.http.get("/caravan/v1/deliveries/" + deliveryId, token).json();
            }
            assertEquals(1, d.get("attempts").size(), d.toString());
            assertEquals("DELIVERED", d.get("attempts").get(0).get("outcome").asText());
            assertEquals(1, received.get());
            JsonNode cda = caravan.http.get("/caravan/v1/deliveries/" + cdaDelivery, token).json();
            assertEquals("PENDING", cda.get("state").asText(), "still no CDA target: " + cda);
            assertEquals(0, cda.get("attempts").size(), cda.toString());
        } finally {
            caravan.close();
            epr.stop(0);
        }
    }

    private static String request(String setUuid) throws Exception {
        JsonNode r = Fixtures.JSON.readTree(Fixtures.resource("fixtures/polaris/oru/sparse_room-air.request.json"));
        ((ObjectNode) r.get("actions").get(0).get("data").get("observation_set")).put("uuid", setUuid);
        return r.toString();
    }

    /** How many times the delivery-retry route has run (its Prometheus exchange counter). */
    private static double polls(TestCaravan caravan) throws Exception {
        String metrics = caravan.http.get("/observe/metrics", null).body();
        Matcher m = POLLS.matcher(metrics);
        assertTrue(m.find(), "no delivery-retry exchange counter in " + metrics);
        return Double.parseDouble(m.group(1));
    }

    private static String pendingCdaDelivery() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(TestCaravan.postgresUrl());
        ds.setUser(TestCaravan.postgresUser());
        MessageRecord r = new MessageRecord();
        r.uuid = TimeOrderedUuid.next().toString();
        r.created = Instant.now();
        r.createdBy = "test";
        r.content = "<ClinicalDocument/>";
        r.srcDescription = "dhos";
        r.dstDescription = "mirth";
        r.state = MessageState.OUTBOUND;
        r.transport = "HTTP";
        r.listener = "test";
        return new DeliveryStore(ds).create(r, "CDA", DeliveryStore.now());
    }
}
