package health.caravan.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import health.caravan.support.Ack;
import health.caravan.support.MllpClient;
import health.caravan.support.TestCaravan;

/** {@code caravan.ack.error-codes=hl70357} reaches the NAKs sent over MLLP. */
class AckErrorCodesSettingTest {

    @Test
    void hl70357CodesInErr3WhenSoConfigured() throws Exception {
        Map<String, String> settings = TestCaravan.defaults();
        settings.put("caravan.ack.error-codes", "hl70357");
        try (TestCaravan caravan = TestCaravan.start(settings); MllpClient client = caravan.mllp()) {
            Ack nak = new Ack(client.send("MSH|^~\\&|A|B|C|D|20240101101500||ORU^R01|CODES-1|P|2.5\rPID|1||1^^^^MRN\r"));
            assertEquals("AR", nak.code());
            assertEquals("200^Unsupported message type^HL70357", nak.field("ERR", 3));
            assertEquals("HL7 message of unexpected type 'ORU'", nak.errText());
        }
    }
}
