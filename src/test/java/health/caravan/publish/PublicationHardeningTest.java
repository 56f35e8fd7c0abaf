package health.caravan.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.Test;

import health.caravan.support.Ack;
import health.caravan.support.CapturedLogs;
import health.caravan.support.Fixtures;
import health.caravan.support.HttpApi;
import health.caravan.support.Messages;
import health.caravan.support.MllpClient;
import health.caravan.support.RabbitConsumer;
import health.caravan.support.TestCaravan;

/**
 * Publication failures that used to be silent: unroutable messages (no queue bound), a topology that
 * exists on the broker with other arguments, a broker that cannot be reached, and an embedded broker
 * whose port another process holds. Each test uses its own exchange on the shared RabbitMQ.
 */
class PublicationHardeningTest {

    private static final String ROUTING_KEY = "dhos.24891000000101";

    @Test
    void unroutableMessagesStayInTheOutboxUntilAQueueIsBound() throws Exception {
        String exchange = TestCaravan.EXCHANGE + "-unroutable";
        deleteTopology(exchange);
        TestCaravan.truncatePostgres();
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.observe.health-details", "true");
        o.put("caravan.publish.exchange", exchange);
        o.put("caravan.outbox.max-backoff-ms", "1000");
        o.put("caravan.outbox.unhealthy-after-seconds", "1");
        try (TestCaravan caravan = TestCaravan.start(o)) {
            Set<String> sent = new HashSet<>();
            try (MllpClient client = caravan.mllp()) {
                for (int i = 0; i < 3; i++) {
                    assertEquals("AA", new Ack(client.send(Messages.a01("UNROUTABLE-" + i, "880001"))).code());
                    sent.add("UNROUTABLE-" + i);
                }
            }
            // returned by the broker: counted, kept, and readiness says why (DOWN once older than the limit)
            JsonNode outbox = pollOutboxCheck(caravan.http, "/observe/health/ready?data=true",
                    c -> c.path("data").path("unroutable").asLong() >= 3);
            assertTrue(outbox.path("data").path("unroutable_problem").asText().contains(exchange), outbox.toString());
            assertTrue(outbox.path("message").asText().contains("no queue is bound to exchange " + exchange), outbox.toString());
            pollOutboxCheck(caravan.http, "/observe/health/ready?data=true", c -> "DOWN".equals(c.path("status").asText())
                    && c.path("message").asText().contains("caravan.outbox.unhealthy-after-seconds"));
            assertTrue(metric(caravan.http, "caravan_outbox_unroutable_total") >= 3);
            assertEquals(0, metric(caravan.http, "caravan_outbox_published_total"), "nothing counted as published");
            assertTrue(outboxRows() >= 3, "the messages wait in the outbox");

            try (RabbitConsumer consumer = new RabbitConsumer(TestCaravan.rabbitUrl(), exchange, ROUTING_KEY)) {
                Set<String> uuids = new HashSet<>();
                for (int i = 0; i < 60 && uuids.size() < sent.size(); i++) {
                    RabbitConsumer.Delivery d = consumer.next(500);
                    if (d != null) {
                        uuids.add(Fixtures.JSON.readTree(d.body()).get("dhos_connector_message_uuid").asText());
                    }
                }
                assertEquals(sent.size(), uuids.size(), "every message arrives once a queue is bound");
            }
            pollOutboxCheck(caravan.http, "/observe/health/ready?data=true", c -> "UP".equals(c.path("status").asText()));
        } finally {
            deleteTopology(exchange);
        }
    }

    @Test
    void aQueueDeclaredWithOtherArgumentsTurnsReadinessDownNamingQueueAndArgument() throws Exception {
        String exchange = TestCaravan.EXCHANGE + "-topology";
        String retryQueue = exchange + "-retry";
        deleteTopology(exchange);
        try (com.rabbitmq.client.Connection c = rabbit()) {
            Channel ch = c.createChannel();
            ch.queueDeclare(retryQueue, true, false, false, Map.of("x-message-ttl", 60000L, "x-dead-letter-exchange", "elsewhere"));
        }
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.observe.health-details", "true");
        o.put("caravan.publish.exchange", exchange);
        try (TestCaravan caravan = TestCaravan.start(o)) {
            JsonNode outbox = pollOutboxCheck(caravan.http, "/observe/health/ready?data=true",
                    check -> "DOWN".equals(check.path("status").asText()) && check.path("data").has("topology"));
            String message = outbox.path("message").asText();
            assertTrue(message.contains("queue " + retryQueue), message);
            assertTrue(message.contains("x-dead-letter-exchange"), message);
            assertTrue(message.contains("caravan.publish.retry-queue (CARAVAN_PUBLISH_RETRY_QUEUE)"), message);
            // the default queue names of another exchange are not touched: this Caravan still publishes
            try (RabbitConsumer consumer = new RabbitConsumer(TestCaravan.rabbitUrl(), exchange, ROUTING_KEY);
                 MllpClient client = caravan.mllp()) {
                assertEquals("AA", new Ack(client.send(Messages.a01("TOPOLOGY-1", "880002"))).code());
                assertNotNull(consumer.next(15_000), "published despite the mismatch of an auxiliary queue");
            }
        } finally {
            deleteTopology(exchange);
        }
    }

    @Test
    void readinessIsDownWhileTheBrokerCannotBeReachedAndUpOnAWorkingBroker() throws Exception {
        int closedPort = TestCaravan.freePort();
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.observe.health-details", "true");
        o.put("caravan.rabbitmq.url", "amqp://guest:secret-in-url@127.0.0.1:" + closedPort);
        String logs;
        TestCaravan caravan;
        try (CapturedLogs captured = new CapturedLogs()) {
            caravan = TestCaravan.start(o);
            logs = captured.text();
        }
        try (caravan) {
            assertTrue(logs.contains("WARN") && logs.contains("not reachable at start")
                    && logs.contains("caravan.rabbitmq.url (CARAVAN_RABBITMQ_URL)"), logs);
            // (camel-main lists the test's override properties verbatim; in production the URL comes from the environment)
            assertFalse(logs.lines().filter(l -> l.contains("health.caravan")).anyMatch(l -> l.contains("secret-in-url")),
                    "no credentials in Caravan's log lines");
            JsonNode outbox = pollOutboxCheck(caravan.http, "/observe/health/ready?data=true",
                    c -> "DOWN".equals(c.path("status").asText()));
            assertTrue(outbox.path("message").asText().contains("caravan.rabbitmq.url"), outbox.toString());
            assertEquals(503, caravan.http.get("/observe/health/ready", null).status());
            // still receiving: the message waits in the outbox
            try (MllpClient client = caravan.mllp()) {
                assertEquals("AA", new Ack(client.send(Messages.a01("NOBROKER-1", "880003"))).code());
            }
            assertFalse(caravan.http.get("/observe/health/ready?data=true", null).body().contains("secret-in-url"));
        }

        Map<String, String> working = TestCaravan.defaults();

        working.put("caravan.observe.health-details", "true");
        TestCaravan.truncatePostgres();
        try (TestCaravan up = TestCaravan.start(working)) {
            pollOutboxCheck(up.http, "/observe/health/ready?data=true", c -> "UP".equals(c.path("status").asText()));
            HttpApi.Response ready = null;
            for (int i = 0; i < 100 && (ready == null || ready.status() != 200); i++) {
                ready = up.http.get("/observe/health/ready", null);
                if (ready.status() != 200) {
                    Thread.sleep(100);
                }
            }
            assertEquals(200, ready.status(), ready.body());
        }
    }

    @Test
    void embeddedBrokerRefusesToStartWhenItsPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            Path dataDir = Files.createTempDirectory("caravan-amqp-port");
            Map<String, String> o = TestCaravan.defaults();
            o.put("caravan.observe.health-details", "true");
            o.put("caravan.data-dir", dataDir.toString());
            o.put("caravan.db.url", "");
            o.put("caravan.db.user", "");
            o.put("caravan.rabbitmq.url", "");
            o.put("caravan.amqp.port", String.valueOf(taken.getLocalPort()));
            Exception e = assertThrows(Exception.class, () -> TestCaravan.start(o).close());
            String messages = causes(e);
            assertTrue(messages.contains("caravan.amqp.port (CARAVAN_AMQP_PORT)"), messages);
        }
    }

    private static String causes(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }

    /** Polls the health endpoint until the outbox check matches; returns it. */
    private static JsonNode pollOutboxCheck(HttpApi http, String path, Predicate<JsonNode> condition) throws Exception {
        JsonNode last = null;
        for (int i = 0; i < 300; i++) {
            JsonNode health = http.get(path, null).json();
            for (JsonNode check : health.path("checks")) {
                if ("outbox".equals(check.path("name").asText())) {
                    last = check;
                }
            }
            if (last != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("outbox check never matched; last: " + last);
    }

    private static double metric(HttpApi http, String name) throws Exception {
        String metrics = http.get("/observe/metrics", null).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)").matcher(metrics);
        assertTrue(m.find(), name + " in " + metrics);
        return Double.parseDouble(m.group(1));
    }

    private static long outboxRows() throws Exception {
        try (Connection c = TestCaravan.postgres(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM outbox_message")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static com.rabbitmq.client.Connection rabbit() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(TestCaravan.rabbitUrl());
        return f.newConnection("caravan-test-topology");
    }

    /** Removes a test exchange and the exchanges and queues named from it, so every run starts clean. */
    private static void deleteTopology(String exchange) throws Exception {
        try (com.rabbitmq.client.Connection c = rabbit()) {
            Channel ch = c.createChannel();
            ch.queueDelete(exchange + "-retry");
            ch.queueDelete(exchange + "-errors");
            ch.exchangeDelete(exchange);
            ch.exchangeDelete(exchange + "-dlx");
            ch.exchangeDelete(exchange + "-retry");
        }
    }
}
