package health.caravan.transformations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import health.caravan.hl7.Hl7Text;
import health.caravan.hl7.NotHl7Exception;

/** The contract's field access rules (reference §5.2). */
class Hl7TextTest {

    private static final String MSG = "MSH|^~\\&|APP|FAC|RAPP|RFAC|20240101120000||ADT^A01|CTRL1|P|2.3\r"
            + "PID|1||123^^^X^MRN~456^^^Y^NHS||O\\T\\BRIEN^ST\\S\\EVE||\"\"|M|sub&part\r"
            + "PV1|1|INPATIENT|W1^\"\"^";

    @Test
    void readsTheContractWay() throws Exception {
        Hl7Text m = Hl7Text.parse(MSG);
        assertEquals("ADT", m.get("MSH", 9, 1));
        assertEquals("A01", m.get("MSH", 9, 2));
        assertEquals("|", m.rawField("MSH", 1));
        assertEquals("^~\\&", m.encodingCharacters());
        assertEquals("456", m.get("PID", 3, 2, 1));
        assertEquals("NHS", m.get("PID", 3, 2, 5));
        assertNull(m.get("PID", 3, 3, 1), "repetition beyond the end is absent");
        assertEquals("O&BRIEN", m.get("PID", 5, 1), "unescaped");
        assertEquals("ST^EVE", m.get("PID", 5, 2));
        assertNull(m.get("PID", 7), "HL7 null is absent");
        assertEquals("sub", m.get("PID", 9), "first sub-component");
        assertEquals("", m.get("PID", 40), "field beyond the end is empty");
        assertNull(m.get("PID", 8, 2), "component inside a plain leaf is absent");
        assertNull(m.get("PV1", 3, 2), "HL7 null component");
        assertEquals("", m.get("PV1", 3, 3), "empty component");
        assertEquals("", m.get("PV1", 3, 7), "component beyond the end");
        assertEquals("\"\"", m.getRaw("PV1", 3, 1, 2));
        assertNull(m.get("ZZZ", 1));
    }

    @Test
    void acceptsAnyLineEnding() throws Exception {
        Hl7Text lf = Hl7Text.parse(MSG.replace("\r", "\n") + "\n");
        Hl7Text crlf = Hl7Text.parse("  " + MSG.replace("\r", "\r\n"));
        assertEquals("INPATIENT", lf.get("PV1", 2));
        assertEquals("INPATIENT", crlf.get("PV1", 2));
    }

    @Test
    void refusesTextThatIsNotHl7() {
        assertThrows(NotHl7Exception.class, () -> Hl7Text.parse("hello"));
        assertThrows(NotHl7Exception.class, () -> Hl7Text.parse(""));
        assertThrows(NotHl7Exception.class, () -> Hl7Text.parse("MSHA^~\\&"));
    }
}
