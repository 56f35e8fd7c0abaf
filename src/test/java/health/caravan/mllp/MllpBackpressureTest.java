package health.caravan.mllp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import health.caravan.support.Ack;
import health.caravan.support.Messages;
import health.caravan.support.MllpClient;
import health.caravan.support.TestCaravan;

/** Reading stops while too much waits for the store, and resumes: nothing lost, ACKs in order. */
class MllpBackpressureTest {

    @Test
    void aConnectionIsNotReadWhileItsLimitOfFramesWaits() {
        MllpBackpressure limits = new MllpBackpressure(2, 1_000_000);
        EmbeddedChannel one = new EmbeddedChannel();
        EmbeddedChannel two = new EmbeddedChannel();
        limits.received(one, 100);
        assertTrue(one.config().isAutoRead());
        limits.received(one, 100);
        assertFalse(one.config().isAutoRead(), "two frames wait: stop reading");
        limits.received(two, 100);
        assertTrue(two.config().isAutoRead(), "other connections go on");
        limits.done(one, 100);
        assertTrue(one.config().isAutoRead(), "resumes as an ACK leaves");
        assertEquals(200, limits.bytesInFlight());
    }

    @Test
    void everyConnectionStopsWhileTheBytesLimitIsExceeded() {
        MllpBackpressure limits = new MllpBackpressure(100, 1_000);
        EmbeddedChannel one = new EmbeddedChannel();
        EmbeddedChannel two = new EmbeddedChannel();
        limits.received(one, 600);
        limits.received(two, 600);
        assertFalse(two.config().isAutoRead(), "over the bytes limit");
        limits.received(one, 10);
        assertFalse(one.config().isAutoRead());
        limits.done(two, 600);
        assertTrue(one.config().isAutoRead());
        assertTrue(two.config().isAutoRead());
    }

    @Test
    void pipelinedFramesBeyondTheLimitAreAllAnsweredInOrder() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.mllp.max-in-flight-frames", "2");
        o.put("caravan.mllp.max-in-flight-bytes", "4096");
        TestCaravan.truncatePostgres();
        try (TestCaravan caravan = TestCaravan.start(o); MllpClient client = caravan.mllp()) {
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            for (int i = 0; i < 300; i++) {
                frames.writeBytes(MllpClient.frame(Messages.a01("BP-" + i, "BP" + i).getBytes(StandardCharsets.ISO_8859_1)));
            }
            client.sendRaw(frames.toByteArray());
            for (int i = 0; i < 300; i++) {
                String ack = client.readAck(StandardCharsets.ISO_8859_1);
                assertNotNull(ack, "ACK " + i);
                assertEquals("BP-" + i, new Ack(ack).field("MSA", 2));
                assertEquals("AA", new Ack(ack).code());
            }
        }
    }
}
