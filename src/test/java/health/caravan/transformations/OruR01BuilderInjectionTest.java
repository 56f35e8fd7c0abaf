package health.caravan.transformations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import health.caravan.support.Fixtures;

/**
 * Every request value that reaches the ORU^R01, tried with CR, LF and other control characters (refused,
 * naming the field) and with the five HL7 delimiters (escaped: the message keeps exactly its segments,
 * fields, components and repetitions); every numeric value tried as a JSON string (refused, naming the field).
 */
class OruR01BuilderInjectionTest {

    private static final Instant CLOCK = Instant.parse("2019-01-07T12:33:46.785Z");
    private static final String FIXTURE = "fixtures/polaris/oru/news2_full_venturi-28_dob.request.json";
    private static final String DELIMITERS = "|^~\\&";

    static Stream<String> textFields() {
        List<String> fields = new ArrayList<>(List.of(
                "patient.uuid", "patient.hospital_number", "patient.nhs_number", "patient.last_name", "patient.first_name",
                "patient.dob", "patient.sex",
                "encounter.location_ods_code", "encounter.epr_encounter_id", "encounter.admitted_at",
                "observation_set.uuid", "observation_set.record_time", "observation_set.score_system",
                "observation_set.score_severity", "observation_set.obx_reference_range", "observation_set.obx_abnormal_flags",
                "observation_set.time_next_obs_set_due",
                "clinician.send_entry_identifier", "clinician.last_name", "clinician.first_name",
                obs("nurse_concern", "observation_string"), obs("consciousness_acvpu", "observation_string"),
                obs("systolic_blood_pressure", "observation_metadata.patient_position"),
                obs("diastolic_blood_pressure", "observation_metadata.patient_position"),
                obs("o2_therapy_status", "observation_metadata.mask"),
                obs("consciousness_gcs", "observation_metadata.gcs_eyes_description"),
                obs("consciousness_gcs", "observation_metadata.gcs_verbal_description"),
                obs("consciousness_gcs", "observation_metadata.gcs_motor_description")));
        for (String type : List.of("spo2", "heart_rate", "diastolic_blood_pressure", "systolic_blood_pressure",
                "o2_therapy_status", "respiratory_rate", "temperature")) {
            fields.add(obs(type, "observation_unit"));
            fields.add(obs(type, "measured_time"));
        }
        for (String type : List.of("nurse_concern", "consciousness_acvpu", "consciousness_gcs")) {
            fields.add(obs(type, "measured_time"));
        }
        return fields.stream();
    }

    static Stream<String> numericFields() {
        List<String> fields = new ArrayList<>(List.of("observation_set.spo2_scale", "observation_set.score_value",
                "observation_set.mins_late", obs("o2_therapy_status", "observation_metadata.mask_percent"),
                obs("consciousness_gcs", "observation_metadata.gcs_eyes"),
                obs("consciousness_gcs", "observation_metadata.gcs_verbal"),
                obs("consciousness_gcs", "observation_metadata.gcs_motor"),
                obs("consciousness_acvpu", "score_value")));
        for (String type : List.of("spo2", "heart_rate", "diastolic_blood_pressure", "systolic_blood_pressure",
                "o2_therapy_status", "respiratory_rate", "temperature")) {
            fields.add(obs(type, "observation_value"));
            fields.add(obs(type, "score_value"));
        }
        fields.add(obs("consciousness_gcs", "observation_value"));
        return fields.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textFields")
    void controlCharactersAreRefusedNamingTheField(String field) throws Exception {
        for (String control : List.of("\r", "\n", "\r\n", "\t", "\u0000", "\u001c", "\u0085")) {
            JsonNode data = with(field, "X" + control + "OBX|99|ST|Injected||1||||||F");
            OruR01Builder.InvalidField refused = assertThrows(OruR01Builder.InvalidField.class, () -> build(data),
                    field + " with " + (int) control.charAt(0));
            assertEquals(field, refused.field());
            assertTrue(refused.getMessage().contains(field), refused.getMessage());
            assertFalse(refused.getMessage().contains("Injected"), "the message does not echo the value");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textFields")
    void delimitersAreEscapedOrRefused(String field) throws Exception {
        // PV1-3 is a location as Polaris sent it ("ward^room^bed"): its ^ are component separators by design
        boolean location = field.equals("encounter.location_ods_code");
        String injected;
        try {
            injected = build(with(field, "X" + DELIMITERS + "Y"));
        } catch (IllegalArgumentException refused) {
            // timestamps and the score system have a fixed form: a delimiter makes them invalid
            assertTrue(field.endsWith("_time") || field.endsWith("_at") || field.endsWith("_due")
                    || field.endsWith("score_system"), field + " refused: " + refused.getMessage());
            return;
        }
        String baseline = build(with(field, location ? "X^Y" : "XY"));
        assertEquals(structure(baseline), structure(injected), field);
        if (location) {
            assertTrue(injected.contains("|X\\F\\^\\R\\\\E\\\\T\\Y|"), injected);
        } else if (!field.equals("patient.sex") && !field.endsWith(".mask")) {
            assertTrue(injected.contains("X\\F\\\\S\\\\R\\\\E\\\\T\\Y"), field + ": " + injected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numericFields")
    void numbersMustBeJsonNumbers(String field) throws Exception {
        build(with(field, 1));
        for (String text : List.of("1", "1\rOBX|99|ST|Injected", "")) {
            JsonNode data = with(field, text);
            OruR01Builder.InvalidField refused = assertThrows(OruR01Builder.InvalidField.class, () -> build(data), field);
            assertEquals(field, refused.field());
            assertEquals("'" + field + "' must be a JSON number", refused.getMessage());
        }
    }

    @Test
    void theFixtureItselfIsUnchanged() throws Exception {
        String oru = build(json());
        assertEquals(32, oru.split("\r", -1).length);
        assertTrue(oru.contains("\rPV1|1||J-WD 5A^Bay A^Bed 1||"), "a location's components are kept");
    }

    @Test
    void aStringClinicianIdIsEscapedToo() throws Exception {
        String oru = build(with("clinician.send_entry_identifier", "12|34"));
        assertTrue(oru.contains("|12\\F\\34^Deer^Jane"), oru);
    }

    /**
     * The message's shape: segment by segment, the delimiters left once escape sequences and all other text are
     * removed. Equal shapes mean the same segments, fields, repetitions, components and subcomponents.
     */
    private static List<String> structure(String oru) {
        assertFalse(oru.contains("\n"));
        List<String> shape = new ArrayList<>();
        for (String segment : oru.split("\r", -1)) {
            String body = segment.substring(3).replaceAll("\\\\[^\\\\|^~&]*\\\\", "").replaceAll("[^|^~&\\\\]", "");
            shape.add(segment.substring(0, 3) + body);
        }
        return shape;
    }

    private static String obs(String type, String key) {
        return "observation_set.observations[" + type + "]." + key;
    }

    private static String build(JsonNode data) throws Exception {
        OruSettings settings = OruSettings.fromTrustomer(Fixtures.JSON.readTree(Fixtures.resource("fixtures/polaris/oru/trustomer.json")));
        return new OruR01Builder(settings, ZoneOffset.UTC).build(data, CLOCK).text();
    }

    private static JsonNode json() throws Exception {
        return Fixtures.JSON.readTree(Fixtures.resource(FIXTURE)).get("actions").get(0).get("data");
    }

    /** The fixture's data with the value at {@code field} (as the builder names it) replaced. */
    private static JsonNode with(String field, Object value) throws Exception {
        JsonNode data = json();
        if (field.equals(obs("diastolic_blood_pressure", "observation_metadata.patient_position"))) {
            // BPPOS takes the systolic position first: without it, the diastolic one is printed
            for (JsonNode o : data.get("observation_set").get("observations")) {
                if (o.path("observation_type").asText().equals("systolic_blood_pressure")) {
                    ((ObjectNode) o.get("observation_metadata")).putNull("patient_position");
                }
            }
        }
        String[] path = field.replace("]", "").split("\\.");
        JsonNode node = data;
        for (int i = 0; i < path.length - 1; i++) {
            String step = path[i];
            if (step.startsWith("observations[")) {
                String type = step.substring("observations[".length());
                JsonNode found = null;
                for (JsonNode o : node.get("observations")) {
                    if (type.equals(o.path("observation_type").asText())) {
                        found = o;
                    }
                }
                node = found;
            } else {
                if (!node.path(step).isObject()) {
                    ((ObjectNode) node).putObject(step);
                }
                node = node.get(step);
            }
        }
        String last = path[path.length - 1];
        if (value instanceof Integer n) {
            ((ObjectNode) node).put(last, n);
        } else {
            ((ObjectNode) node).put(last, (String) value);
        }
        return data;
    }
}
