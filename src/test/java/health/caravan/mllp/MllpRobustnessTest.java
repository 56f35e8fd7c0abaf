package health.caravan.mllp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import health.caravan.support.Ack;
import health.caravan.support.Messages;
import health.caravan.support.MllpClient;
import health.caravan.support.TestCaravan;

/** Bad peers never take the listener down: idle connections are closed, oversized frames drop only their connection. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MllpRobustnessTest {

    private TestCaravan caravan;

    @BeforeAll
    void start() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.mllp.idle-timeout-ms", "700");
        o.put("caravan.mllp.max-frame-bytes", "65536");
        o.put("caravan.mllp.frame-timeout-ms", "1500");
        caravan = TestCaravan.start(o);
    }

    @AfterAll
    void stop() throws Exception {
        caravan.close();
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (MllpClient client = caravan.mllp()) {
            assertEquals("AA", new Ack(client.send(Messages.a01("IDLE-" + System.nanoTime(), "840001"))).code());
            long start = System.nanoTime();
            assertTrue(client.isClosedByPeer(), "closed after the idle timeout");
            assertTrue(System.nanoTime() - start > 300_000_000L);
        }
    }

    @Test
    void aFrameTricklingInTooSlowlyIsCutOff() throws Exception {
        byte[] frame = MllpClient.frame(Messages.a01("SLOW-" + System.nanoTime(), "840004").getBytes());
        try (MllpClient client = caravan.mllp()) {
            long start = System.nanoTime();
            boolean closed = false;
            // one byte every 200 ms: never idle for the 700 ms idle timeout, but far too slow for the 1.5 s frame timeout
            for (int i = 0; i < frame.length - 1 && !closed; i++) {
                try {
                    client.sendRaw(new byte[] {frame[i]});
                    Thread.sleep(200);
                } catch (IOException e) {
                    closed = true;
                }
                if (System.nanoTime() - start > 5_000_000_000L) {
                    break;
                }
            }
            assertTrue(closed || client.isClosedByPeer(), "closed by the frame timeout");
            assertTrue(System.nanoTime() - start < 5_000_000_000L);
        }
        try (MllpClient client = caravan.mllp()) {
            assertEquals("AA", new Ack(client.send(Messages.a01("AFTER-SLOW-" + System.nanoTime(), "840005"))).code());
        }
    }

    @Test
    void oversizedFrameClosesOnlyThatConnection() throws Exception {
        byte[] junk = new byte[200_000];
        Arrays.fill(junk, (byte) 'A');
        try (MllpClient client = caravan.mllp()) {
            client.sendRaw(new byte[] {0x0b});
            try {
                client.sendRaw(junk);
                client.sendRaw(new byte[] {0x1c, 0x0d});
                assertEquals(null, client.readAck(java.nio.charset.StandardCharsets.ISO_8859_1));
            } catch (IOException closed) {
                // the listener dropped the connection while we were still writing
            }
        }
        try (MllpClient client = caravan.mllp()) {
            assertEquals("AA", new Ack(client.send(Messages.a01("BIG-" + System.nanoTime(), "840002"))).code());
        }
    }

    @Test
    void connectionClosedMidFrameLeavesTheListenerWorking() throws Exception {
        try (MllpClient client = caravan.mllp()) {
            client.sendRaw(new byte[] {0x0b, 'M', 'S', 'H', '|'});
        }
        try (MllpClient client = caravan.mllp()) {
            assertEquals("AA", new Ack(client.send(Messages.a01("HALF-" + System.nanoTime(), "840003"))).code());
        }
    }
}
