package health.caravan.transformations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import health.caravan.hl7.Hl7Text;

/**
 * ACK layout of reference §6 with the deliberate fixes: ERR terminated by CR, ERR-8 escaped, MSH-7 with
 * its offset, MSH-18 mirrored, pre-2.5 NAKs with MSA-3 and ERR-1; ERR-3 codes by setting.
 */
class AckBuilderTest {

    private final AckBuilder acks = new AckBuilder(Clock.fixed(Instant.parse("2024-03-01T10:11:12.345678Z"), ZoneOffset.UTC), "CARAVAN");

    @Test
    void aaLayout() throws Exception {
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|c0481|OXON|OXON_TIE_ADT|OXON|20170731141348||ADT^A01|Q1|P|2.3||||||8859/1\rPID|1");
        String ack = acks.ack(m, AckCode.AA, null);
        String[] segments = ack.split("\r", -1);
        assertEquals(3, segments.length, "two segments and a trailing CR");
        String[] msh = segments[0].split("\\|", -1);
        assertEquals("MSH|^~\\&|OXON_TIE_ADT|OXON|c0481|OXON|20240301101112+0000||ACK^A01^ACK|" + msh[9] + "|P|2.3||||||8859/1",
                segments[0]);
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
        assertTrue(acks.ack(m, AckCode.AA, null).startsWith("MSH|^~\\\\&|CSCLRC|RJC|TIE|RJC|20240301101112+0000||ACK^A38^ACK|"));
    }

    @Test
    void typeWithoutTriggerIsRejectedNotCrashed() throws Exception {
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|A|B|C|D|20170731141348||ADT|Q3|P|2.3\rPID|1||1^^^^MRN");
        Verdict v = new AdtValidator(IdentifierTypes.polarisDefaults()).validate(m);
        assertEquals(AckCode.AR, v.code());
        assertTrue(acks.ack(m, v.code(), v.reason()).contains("|ACK^^ACK|"));
    }

    // ---- MSH-18 ----

    @Test
    void mirrorsTheInboundCharacterSet() throws Exception {
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|TIE|ZÜRICH|C|D|20170731141348||ADT^A01|Q4|P|2.3||||||UNICODE UTF-8\rPID|1");
        String msh = acks.ack(m, AckCode.AA, null).split("\r")[0];
        assertTrue(msh.endsWith("|P|2.3||||||UNICODE UTF-8"), msh);
        assertEquals("UNICODE UTF-8", msh.split("\\|", -1)[17], "MSH-18");
        assertEquals("ZÜRICH", msh.split("\\|", -1)[5], "MSH-6 is the inbound MSH-4");
    }

    @Test
    void noCharacterSetWhenTheInboundHasNone() throws Exception {
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|A|B|C|D|20170731141348||ADT^A01|Q5|P|2.3\rPID|1");
        assertTrue(acks.ack(m, AckCode.AA, null).split("\r")[0].endsWith("|P|2.3"));
        Hl7Text withEmpty = Hl7Text.parse("MSH|^~\\&|A|B|C|D|20170731141348||ADT^A01|Q5|P|2.3||||||\rPID|1");
        assertTrue(acks.ack(withEmpty, AckCode.AA, null).split("\r")[0].endsWith("|P|2.3"));
    }

    // ---- MSH-7 ----

    @Test
    void msh7IsUtcWithItsOffset() throws Exception {
        AckBuilder london = new AckBuilder(Clock.fixed(Instant.parse("2024-07-01T10:11:12Z"), ZoneId.of("Europe/London")), "CARAVAN");
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|A|B|C|D|20170731141348||ADT^A01|Q6|P|2.5\rPID|1");
        assertEquals("20240701101112+0000", london.ack(m, AckCode.AA, null).split("\r")[0].split("\\|", -1)[6]);
        assertEquals("20240701101112+0000", london.rejectUnreadable("x").split("\r")[0].split("\\|", -1)[6]);
    }

    // ---- ERR layout by version ----

    @ParameterizedTest
    @ValueSource(strings = {"2.1", "2.2", "2.3", "2.3.1", "2.4"})
    void preTwoFiveNakHasReasonInMsa3AndErr1(String version) throws Exception {
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|A|B|C|D|20170731141348||ORU^R01|Q7|P|" + version + "\rPID|1");
        Verdict v = new AdtValidator(IdentifierTypes.polarisDefaults()).validate(m);
        String[] segments = acks.ack(m, v).split("\r");
        assertEquals("MSA|AR|Q7|HL7 message of unexpected type 'ORU'", segments[1]);
        assertEquals("ERR|MSH^1^9^200&Unsupported message type&HL70357||Hl7ApplicationRejectException|E||||"
                + "HL7 message of unexpected type 'ORU'", segments[2], "ERR-1 for the sender's version; ERR-3/ERR-8 kept");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.5", "2.5.1", "2.6", "2.7", "2.8", ""})
    void fromTwoFiveTheNakKeepsThePolarisLayout(String version) throws Exception {
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|A|B|C|D|20170731141348||ORU^R01|Q8|P|" + version + "\rPID|1");
        Verdict v = new AdtValidator(IdentifierTypes.polarisDefaults()).validate(m);
        assertTrue(acks.ack(m, v).endsWith("\rMSA|AR|Q8\rERR|||Hl7ApplicationRejectException|E||||HL7 message of unexpected type 'ORU'\r"));
    }

    @Test
    void preTwoFiveUsesTheMessageSeparatorsAndEscapesMsa3() throws Exception {
        Hl7Text m = Hl7Text.parse("MSH#*~\\&#A#B#C#D#20170731141348##ADT*A01#Q9#P#2.3\rPID#1");
        String ack = acks.ack(m, Verdict.error(ErrorCondition.REQUIRED_FIELD_MISSING, "PV1", 3, "ward # missing"));
        assertTrue(ack.contains("\rMSA#AE#Q9#ward \\F\\ missing\rERR#PV1*1*3*101&Required field missing&HL70357##"), ack);
        String other = acks.ack(m, Verdict.error(ErrorCondition.SEGMENT_SEQUENCE_ERROR, "PID", 0, "x"));
        assertTrue(other.contains("\rERR#PID***100&Segment sequence error&HL70357##"), other);
        String unknown = acks.ack(m, AckCode.AE, "Unexpected error: NullPointerException");
        assertTrue(unknown.contains("\rERR#***207&Application internal error&HL70357##"), unknown);
    }

    @Test
    void aaHasNoMsa3OrErrWhateverTheVersion() throws Exception {
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|A|B|C|D|20170731141348||ADT^A01|Q10|P|2.3\rPID|1");
        String[] segments = acks.ack(m, Verdict.ACCEPT).split("\r");
        assertEquals(2, segments.length);
        assertEquals("MSA|AA|Q10", segments[1]);
    }

    // ---- ERR-3 codes: caravan.ack.error-codes ----

    @Test
    void hl70357CodesInErr3() throws Exception {
        AckBuilder hl7 = new AckBuilder(Clock.fixed(Instant.parse("2024-03-01T10:11:12Z"), ZoneOffset.UTC), "CARAVAN",
                AckBuilder.ErrorCodes.HL70357);
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|A|B|C|D|20170731141348||ADT^A99|Q11|P|2.5\rPID|1");
        Verdict v = new AdtValidator(IdentifierTypes.polarisDefaults()).validate(m);
        assertTrue(hl7.ack(m, v).endsWith("\rMSA|AR|Q11\rERR|||201^Unsupported event code^HL70357|E||||"
                + "HL7 message of unexpected ADT type 'A99'\r"));
        assertTrue(hl7.rejectUnreadable("Message is not HL7 v2: x")
                .endsWith("\rMSA|AR|\rERR|||100^Segment sequence error^HL70357|E||||Message is not HL7 v2: x\r"));
        Hl7Text v23 = Hl7Text.parse("MSH|^~\\&|A|B|C|D|20170731141348||ADT^A99|Q12|P|2.3\rPID|1");
        assertTrue(hl7.ack(v23, new AdtValidator(IdentifierTypes.polarisDefaults()).validate(v23))
                .contains("\rERR|MSH^1^9^201&Unsupported event code&HL70357||201^Unsupported event code^HL70357|E||||"));
    }

    @Test
    void polarisNamesStayTheDefault() {
        assertEquals(AckBuilder.ErrorCodes.POLARIS, AckBuilder.ErrorCodes.parse(null));
        assertEquals(AckBuilder.ErrorCodes.POLARIS, AckBuilder.ErrorCodes.parse(""));
        assertEquals(AckBuilder.ErrorCodes.POLARIS, AckBuilder.ErrorCodes.parse("polaris"));
        assertEquals(AckBuilder.ErrorCodes.HL70357, AckBuilder.ErrorCodes.parse(" HL70357 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AckBuilder.ErrorCodes.parse("0357"));
        assertTrue(e.getMessage().contains("caravan.ack.error-codes (CARAVAN_ACK_ERROR_CODES)"), e.getMessage());
    }

    /** The documented mapping of Caravan's reasons to table 0357 and ERR-1 locations. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "ORU^R01;PID|1||1^^^^MRN;MSH^1^9^200",
            "ADT^A99;PID|1||1^^^^MRN;MSH^1^9^201",
            "ADT^A01;EVN|A01;PID^^^100",
            "ADT^A01;PID|1||1^^^^PAS;PID^1^3^101",
            "ADT^A01;PID|1||1^^^^MRN\rPV1|1|WAITLIST;PV1^1^2^103",
            "ADT^A01;PID|1||1^^^^MRN\rPV1|1|I|\"\"^B1;PV1^1^3^101",
            "ADT^A34;PID|1||1^^^^MRN;^^^100",
    })
    void reasonsMapToTable0357(String type, String segments, String err1) throws Exception {
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|A|B|C|D|20170731141348||" + type + "|Q13|P|2.3\r" + segments);
        Verdict v = new AdtInboundRules(IdentifierTypes.polarisDefaults(), ZoneOffset.UTC).decide(m).verdict();
        String err = acks.ack(m, v).split("\r")[2];
        assertEquals(err1, err.substring(4, err.indexOf('&')), err);
    }

    @Test
    void unreadableValueIsDataTypeError() throws Exception {
        Hl7Text m = Hl7Text.parse("MSH|^~\\&|A|B|C|D|notatime||ADT^A08|Q14|P|2.3\rPID|1||1^^^^MRN");
        Verdict v = new AdtInboundRules(IdentifierTypes.polarisDefaults(), ZoneOffset.UTC).decide(m).verdict();
        assertEquals("Unexpected error: ValueError", v.reason());
        assertEquals(ErrorCondition.DATA_TYPE_ERROR, v.condition());
    }
}
