package health.caravan.mllp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import health.caravan.support.Ack;
import health.caravan.support.Messages;
import health.caravan.support.MllpClient;
import health.caravan.support.TestCaravan;

/** caravan.mllp.allowed-senders: only listed addresses may connect. */
class MllpAllowListTest {

    @Test
    void aSenderOutsideTheListIsClosedBeforeAnyByteIsRead() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.mllp.allowed-senders", "10.255.255.1, 192.0.2.0/24");
        TestCaravan.truncatePostgres();
        try (TestCaravan caravan = TestCaravan.start(o); MllpClient client = caravan.mllp()) {
            String ack;
            try {
                ack = client.send(Messages.a01("ALLOW-1", "A1"));
            } catch (java.io.IOException e) {
                ack = null;
            }
            assertNull(ack, "closed without an answer");
        }
    }

    @Test
    void aListedSenderIsServed() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.mllp.allowed-senders", "127.0.0.0/8,::1");
        TestCaravan.truncatePostgres();
        try (TestCaravan caravan = TestCaravan.start(o); MllpClient client = caravan.mllp()) {
            assertEquals("AA", new Ack(client.send(Messages.a01("ALLOW-2", "A2"))).code());
        }
    }

    @Test
    void aWrongEntryStopsTheStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new MllpAllowList("10.0.0.0/99"));
        assertTrue(e.getMessage().contains("caravan.mllp.allowed-senders (CARAVAN_MLLP_ALLOWED_SENDERS)"), e.getMessage());
    }
}
