package health.caravan.transformations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import health.caravan.hl7.AckBuilder;
import health.caravan.hl7.Hl7Text;

/** ACK layout of reference §6 with the two deliberate fixes (ERR terminated by CR, ERR-8 escaped). */
class AckBuilderTest {

    private final AckBuilder acks = new AckBuilder(Clock.fixed(Instant.parse("2024-03-01T10:11:12.345678Z"), ZoneOffset.UTC), "CARAVAN");

    @Test
    void aaLayout() throws Exception {
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|c0481|OXON|OXON_TIE_ADT|OXON|20170731141348||ADT^A01|Q1|P|2.3||||||8859/1\rPID|1");
        String ack = acks.ack(m, AckCode.AA, null);
        String[] segments = ack.split("\r", -1);
        assertEquals(3, segments.length, "two segments and a trailing CR");
        String[] msh = segments[0].split("\\|", -1);
        assertEquals("MSH|^~\\&|OXON_TIE_ADT|OXON|c0481|OXON|20240301101112||ACK^A01^ACK|" + msh[9] + "|P|2.3", segments[0]);
        assertEquals(20, msh[9].length());
        assertTrue(msh[9].startsWith("4061101112345678"), msh[9]);
        assertEquals("MSA|AA|Q1", segments[1]);
        assertEquals("", segments[2]);
    }

    @Test
    void errIsTerminatedAndEscaped() throws Exception {
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|A|B|C|D|20170731141348||ORU^R01|Q2|P|2.5");
        String ack = acks.ack(m, AckCode.AR, "HL7 message of unexpected type 'O|R^U'");
        assertTrue(ack.endsWith("\rMSA|AR|Q2\rERR|||Hl7ApplicationRejectException|E||||HL7 message of unexpected type 'O\\F\\R\\S\\U'\r"), ack);
        assertTrue(ack.contains("|ACK^R01^ACK|"));
    }

    @Test
    void keepsNonStandardEncodingCharacters() throws Exception {
        Hl7Text m = Hl7Text.parse("MSH|^~\\\\&|TIE|RJC|CSCLRC|RJC|20180117233245||ADT^A38^ADT_A38|600284563712|P|2.3");
        assertTrue(acks.ack(m, AckCode.AA, null).startsWith("MSH|^~\\\\&|CSCLRC|RJC|TIE|RJC|20240301101112||ACK^A38^ACK|"));
    }

    @Test
    void typeWithoutTriggerIsRejectedNotCrashed() throws Exception {
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|A|B|C|D|20170731141348||ADT|Q3|P|2.3\rPID|1||1^^^^MRN");
        Verdict v = new AdtValidator(IdentifierTypes.polarisDefaults()).validate(m);
        assertEquals(AckCode.AR, v.code());
        assertTrue(acks.ack(m, v.code(), v.reason()).contains("|ACK^^ACK|"));
    }
}
