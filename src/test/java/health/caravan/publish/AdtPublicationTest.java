package health.caravan.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import health.caravan.support.Ack;
import health.caravan.support.Fixtures;
import health.caravan.support.Messages;
import health.caravan.support.MllpClient;
import health.caravan.support.RabbitConsumer;
import health.caravan.support.TcpProxy;
import health.caravan.support.TestCaravan;

/**
 * ADT → actions → RabbitMQ through the outbox, against the real PostgreSQL and RabbitMQ: each
 * fixture's published body, nothing for AE/AR, a broker outage (connection cut by a proxy the test
 * controls) during which messages are still accepted and afterwards all published in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdtPublicationTest {

    private TcpProxy brokerProxy;
    private TestCaravan caravan;
    private RabbitConsumer consumer;

    @BeforeAll
    void start() throws Exception {
        URI rabbit = URI.create(TestCaravan.rabbitUrl());
        brokerProxy = new TcpProxy(rabbit.getHost(), rabbit.getPort() < 0 ? 5672 : rabbit.getPort());
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.rabbitmq.url", "amqp://guest:guest@127.0.0.1:" + brokerProxy.port());
        o.put("caravan.outbox.max-backoff-ms", "1000");
        o.put("caravan.observe.health-details", "true");
        consumer = new RabbitConsumer(TestCaravan.rabbitUrl());
        TestCaravan.truncatePostgres();
        caravan = TestCaravan.start(o);
    }

    @AfterAll
    void stop() throws Exception {
        caravan.close();
        consumer.close();
        brokerProxy.close();
    }

    @BeforeEach
    void nothingLeftOver() throws Exception {
        Thread.sleep(100);
        consumer.drain();
    }

    List<Fixtures.Inbound> utcFixtures() {
        return Fixtures.inbound().stream().filter(f -> "UTC".equals(f.zone())).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("utcFixtures")
    void publishesExactlyTheFixtureActions(Fixtures.Inbound fixture) throws Exception {
        TestCaravan.truncatePostgres();
        String ack;
        try (MllpClient client = caravan.mllp()) {
            ack = client.send(fixture.bytes());
            // a marker after it: whatever the fixture published must arrive before the marker
            assertEquals("AA", new Ack(client.send(Messages.a01("MARKER-" + fixture.name(), "850000"))).code());
        }
        JsonNode expected = fixture.expected().get("actions");
        RabbitConsumer.Delivery first = consumer.next(15_000);
        assertNotNull(first, "published");
        JsonNode body = Fixtures.JSON.readTree(first.body());
        if (expected.isNull()) {
            assertTrue(!"AA".equals(new Ack(ack).code()));
            assertEquals("process_patient", body.get("actions").get(0).get("name").asText());
            assertEquals("850000", body.get("actions").get(0).get("data").get("mrn").asText(), "only the marker was published");
            return;
        }
        assertEquals(List.of("dhos_connector_message_uuid", "actions"), names(body));
        assertEquals(expected, body.get("actions"));
        String uuid = body.get("dhos_connector_message_uuid").asText();
        assertEquals(uuid, first.properties().getMessageId());
        assertEquals("application/json", first.properties().getContentType());
        assertEquals(2, first.properties().getDeliveryMode());
        assertEquals(fixture.expected().get("message_control_id").asText(),
                caravan.http.get("/dhos/v1/message/" + uuid, health.caravan.support.Tokens.readWrite()).json()
                        .get("message_control_id").asText());
        RabbitConsumer.Delivery marker = consumer.next(15_000);
        assertNotNull(marker);
        assertEquals("850000", Fixtures.JSON.readTree(marker.body()).get("actions").get(0).get("data").get("mrn").asText());
    }

    @Test
    void brokerOutageLosesNothingAndKeepsPatientOrder() throws Exception {
        brokerProxy.cut();
        List<String> sent = new ArrayList<>();
        try (MllpClient a = caravan.mllp(); MllpClient b = caravan.mllp()) {
            for (int i = 0; i < 10; i++) {
                // two patients, each on its own feed, interleaved
                assertEquals("AA", new Ack(a.send(Messages.a01("OUT-A-" + i, "860001", "OUT-A-" + i))).code());
                assertEquals("AA", new Ack(b.send(Messages.a01("OUT-B-" + i, "860002", "OUT-B-" + i))).code());
                sent.add("OUT-A-" + i);
                sent.add("OUT-B-" + i);
            }
        }
        Thread.sleep(1500);
        assertEquals(null, consumer.next(200), "nothing reaches the broker while it is away");
        // the backlog is visible in metrics and health while the broker is away
        double pendingInMetrics = 0;
        String metrics = "";
        for (int i = 0; i < 50 && pendingInMetrics < 20; i++) { // the relay refreshes its figures about once a second
            metrics = caravan.http.get("/observe/metrics", null).body();
            java.util.regex.Matcher pending = java.util.regex.Pattern.compile("(?m)^caravan_outbox_pending(?:\\{[^}]*\\})? ([0-9.]+)").matcher(metrics);
            assertTrue(pending.find(), metrics);
            pendingInMetrics = Double.parseDouble(pending.group(1));
            Thread.sleep(100);
        }
        assertTrue(pendingInMetrics >= 20, "pending " + pendingInMetrics);
        assertTrue(metrics.contains("caravan_outbox_oldest_pending_seconds"));
        JsonNode health = caravan.http.get("/observe/health", null).json();
        JsonNode outbox = null;
        for (JsonNode check : health.get("checks")) {
            if ("outbox".equals(check.get("name").asText())) {
                outbox = check;
            }
        }
        assertNotNull(outbox, health.toString());
        assertEquals(false, outbox.get("data").get("broker_connected").asBoolean(), outbox.toString());
        assertTrue(outbox.get("data").get("pending").asInt() >= 20, outbox.toString());
        brokerProxy.restore();

        Map<String, List<String>> byPatient = new LinkedHashMap<>();
        Set<String> uuids = new HashSet<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (uuids.size() < sent.size() && System.currentTimeMillis() < deadline) {
            RabbitConsumer.Delivery d = consumer.next(1000);
            if (d == null) {
                continue;
            }
            JsonNode body = Fixtures.JSON.readTree(d.body());
            if (uuids.add(body.get("dhos_connector_message_uuid").asText())) {
                String mrn = body.get("actions").get(0).get("data").get("mrn").asText();
                String name = body.get("actions").get(0).get("data").get("first_name").asText();
                byPatient.computeIfAbsent(mrn, k -> new ArrayList<>()).add(name);
            }
        }
        assertEquals(sent.size(), uuids.size(), "every acknowledged message published after the outage");
        // each patient's messages were first delivered in the order they were sent
        assertEquals(sent.stream().filter(s -> s.startsWith("OUT-A")).toList(), byPatient.get("860001"));
        assertEquals(sent.stream().filter(s -> s.startsWith("OUT-B")).toList(), byPatient.get("860002"));
    }

    @Test
    void bzip2BodiesForKombuConsumers() throws Exception {
        PublicationSettings settings = PublicationSettings.derive("dhos", "dhos.24891000000101", "", "", 60000, true, "", "");
        // the Polaris names for the Polaris exchange
        assertEquals(List.of("dhos-dlx", "errors", "dhos-retry", "retry"), List.of(settings.deadLetterExchange(),
                settings.errorsQueue(), settings.retryExchange(), settings.retryQueue()));
        // published on this run's own exchange (the shared broker's "dhos" belongs to nobody's test)
        PublicationSettings own = PublicationSettings.derive(TestCaravan.EXCHANGE, "dhos.24891000000101", "", "", 60000, true, "", "");
        try (RabbitPublisher publisher = new RabbitPublisher(TestCaravan.rabbitUrl(), own, true)) {
            publisher.publish(List.of(new OutboxRow(1, "bz-uuid", TestCaravan.EXCHANGE, "dhos.24891000000101",
                    "{\"dhos_connector_message_uuid\":\"bz-uuid\",\"actions\":[]}", java.time.LocalDateTime.now())), 5000);
        }
        RabbitConsumer.Delivery d = consumer.next(10_000);
        assertNotNull(d);
        assertEquals("application/x-bz2", String.valueOf(d.properties().getHeaders().get("compression")));
        assertEquals("application/text", d.properties().getContentType());
        byte[] json = new BZip2CompressorInputStream(new ByteArrayInputStream(d.body())).readAllBytes();
        assertEquals("{\"dhos_connector_message_uuid\":\"bz-uuid\",\"actions\":[]}", new String(json));
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
