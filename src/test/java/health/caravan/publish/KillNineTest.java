package health.caravan.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import health.caravan.support.Ack;
import health.caravan.support.Fixtures;
import health.caravan.support.Messages;
import health.caravan.support.MllpClient;
import health.caravan.support.RabbitConsumer;
import health.caravan.support.TestCaravan;

/**
 * A Caravan process killed with SIGKILL under load, with acknowledged messages still waiting in its
 * outbox, and started again: every message that got an AA was stored and is published at least once
 * (after the dead process's relay lease expires).
 */
class KillNineTest {

    @Test
    void everyAcknowledgedMessageIsPublishedAfterAKill() throws Exception {
        TestCaravan.truncatePostgres();
        int mllpPort = TestCaravan.freePort();
        int httpPort = TestCaravan.freePort();
        Path dataDir = Files.createTempDirectory("caravan-kill");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();

        try (RabbitConsumer consumer = new RabbitConsumer(TestCaravan.rabbitUrl())) {
            // the first process cannot reach its broker, so everything it acknowledges is still in the outbox when it dies
            Process first = startCaravan(mllpPort, httpPort, dataDir, "first",
                    "amqp://guest:guest@127.0.0.1:" + TestCaravan.freePort());
            AtomicBoolean sending = new AtomicBoolean(true);
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int feed = t;
                Thread sender = new Thread(() -> send(mllpPort, feed, sending, acknowledged));
                sender.start();
                senders.add(sender);
            }
            Thread.sleep(2500);
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            first.waitFor();
            sending.set(false);
            for (Thread s : senders) {
                s.join();
            }
            assertTrue(acknowledged.size() > 20, "load was running when the process died: " + acknowledged.size());

            Process second = startCaravan(mllpPort, httpPort, dataDir, "second", TestCaravan.rabbitUrl());
            try {
                Set<String> uuids = uuidsOf(acknowledged);
                assertEquals(acknowledged.size(), uuids.size(), "every AA'd message was stored");
                Set<String> published = new HashSet<>();
                long deadline = System.currentTimeMillis() + 60_000;
                while (!published.containsAll(uuids) && System.currentTimeMillis() < deadline) {
                    RabbitConsumer.Delivery d = consumer.next(1000);
                    if (d != null) {
                        published.add(Fixtures.JSON.readTree(d.body()).get("dhos_connector_message_uuid").asText());
                    }
                }
                Set<String> missing = new HashSet<>(uuids);
                missing.removeAll(published);
                assertEquals(Set.of(), missing, "acknowledged but never published");
            } finally {
                second.destroy();
                second.waitFor();
            }
        }
    }

    private static void send(int port, int feed, AtomicBoolean sending, Set<String> acknowledged) {
        int i = 0;
        try (MllpClient client = new MllpClient("127.0.0.1", port)) {
            while (sending.get()) {
                String id = "KILL-" + feed + "-" + i++;
                String ack = client.send(Messages.a01(id, "87000" + feed));
                if (ack == null) {
                    return;
                }
                if ("AA".equals(new Ack(ack).code())) {
                    acknowledged.add(id);
                }
            }
        } catch (IOException e) {
            // the process died under us
        }
    }

    private static Set<String> uuidsOf(Set<String> controlIds) throws Exception {
        Set<String> uuids = new HashSet<>();
        try (Connection c = TestCaravan.postgres();
             PreparedStatement ps = c.prepareStatement("SELECT uuid, message_control_id FROM hl7_message WHERE message_control_id LIKE 'KILL-%'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (controlIds.contains(rs.getString(2))) {
                    uuids.add(rs.getString(1));
                }
            }
        }
        return uuids;
    }

    private static Process startCaravan(int mllpPort, int httpPort, Path dataDir, String name, String rabbitUrl)
            throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx512m", "-Dhapi.home=" + dataDir,
                "-cp", System.getProperty("java.class.path"), "health.caravan.Caravan");
        Map<String, String> env = pb.environment();
        env.put("CARAVAN_MLLP_PORT", String.valueOf(mllpPort));
        env.put("CARAVAN_HTTP_PORT", String.valueOf(httpPort));
        env.put("CARAVAN_DATA_DIR", dataDir.toString());
        env.put("CARAVAN_DB_URL", TestCaravan.postgresUrl());
        env.put("CARAVAN_DB_USER", TestCaravan.postgresUser());
        env.put("CARAVAN_RABBITMQ_URL", rabbitUrl);
        env.put("CARAVAN_PUBLISH_EXCHANGE", TestCaravan.EXCHANGE);
        env.put("CARAVAN_JWT_HS_KEY", TestCaravan.HS_KEY);
        env.put("CARAVAN_JWT_ISSUER", TestCaravan.ISSUER);
        pb.redirectErrorStream(true);
        pb.redirectOutput(new File("target/kill-nine-" + name + ".log"));
        Process p = pb.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("Caravan exited: see target/kill-nine-" + name + ".log");
            }
            try (Socket s = new Socket("127.0.0.1", mllpPort)) {
                return p;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("Caravan did not start: see target/kill-nine-" + name + ".log");
    }
}
