package health.caravan.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import health.caravan.support.Fixtures;

/** The template's process_as kinds: string, date, boolean, anonymous (keyed hash salted by process_with). */
class RowTemplateTest {

    private static final byte[] KEY = "reqcheck-key".getBytes(StandardCharsets.UTF_8);

    @Test
    void processAsKinds() throws Exception {
        RowTemplate t = RowTemplate.parse(Fixtures.JSON.readTree("""
                {"patient_number": {},
                 "dob": {"process_as": "date"},
                 "updated": {"column": "UPDATED_AT", "process_as": "date"},
                 "history_flag": {"process_as": "boolean"},
                 "resident_id": {"process_as": "anonymous", "process_with": "opaque_id"},
                 "weight": {}}"""));
        Map<String, Object> row = new HashMap<>();
        row.put("patient_number", 42);
        row.put("dob", Date.valueOf("1980-01-02"));
        row.put("updated_at", Timestamp.valueOf(LocalDateTime.of(2016, 10, 24, 12, 4, 8, 123_000_000)));
        row.put("history_flag", "Y");
        row.put("resident_id", "R-1");
        row.put("opaque_id", "SALT-A");
        row.put("weight", new BigDecimal("12.50"));
        Map<String, Object> out = t.apply(row, KEY, ZoneId.of("America/Chicago"));
        assertEquals(List.of("patient_number", "dob", "updated", "history_flag", "resident_id", "weight"), List.copyOf(out.keySet()));
        assertEquals("42", out.get("patient_number"), "numbers are sent as strings");
        assertEquals("1980-01-02", out.get("dob"));
        assertEquals("2016-10-24T12:04:08.123-05:00", out.get("updated"));
        assertEquals(true, out.get("history_flag"));
        assertEquals("12.5", out.get("weight"));
        String hash = (String) out.get("resident_id");
        assertEquals(64, hash.length());
        assertFalse(hash.contains("R-1"));
        assertEquals(hash, RowTemplate.anonymous("R-1", "SALT-A", KEY), "deterministic");
        assertNotEquals(hash, RowTemplate.anonymous("R-1", "SALT-B", KEY), "salted by process_with");
        assertNotEquals(hash, RowTemplate.anonymous("R-1", "SALT-A", "other-key".getBytes()), "keyed");

        row.put("dob", null);
        assertFalse(t.apply(row, KEY, ZoneId.of("UTC")).containsKey("dob"), "nulls are left out");
    }

    @Test
    void unknownKindIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> RowTemplate.parse(Fixtures.JSON.readTree("{\"x\": {\"process_as\": \"encrypt\"}}")));
    }
}
