package health.caravan.transformations;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.Escape;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Observation set → ORU^R01 text, exactly as the Polaris connector generated it (reference §9):
 * MSH, PID, PV1 (when the encounter has an EPR id), OBR, then the OBX rows in their fixed order.
 * Segments are joined by CR with no trailing CR. Deliberate difference: an absent score prints an
 * empty OBX-5, never the literal {@code None}.
 *
 * <p>Every value taken from the request is HL7-escaped; a request value with a control character
 * (CR, LF, tab, ...) is refused, since no field of this message can hold one, and a numeric value that
 * is not a JSON number is refused: both as an {@link InvalidField} naming the field.
 */
public final class OruR01Builder {

    private static final DateTimeFormatter ISO_INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private static final DateTimeFormatter ISO_INPUT_COMPACT_OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXX");

    private static final EncodingCharacters ENCODING = new EncodingCharacters('|', '^', '~', '\\', '&');

    private final OruSettings settings;
    private final ZoneId zone;
    private final DateTimeFormatter timestamp;

    public OruR01Builder(OruSettings settings, ZoneId zone) {
        this.settings = settings;
        this.zone = zone;
        this.timestamp = strftime(settings.timestampFormat());
    }

    /** The generated message and its control id (first 20 hex characters of MD5(observation set uuid)). */
    public record Oru(String text, String controlId) {
    }

    /** A request value that cannot go into the message; {@link #field()} is its path in the request data (a 400). */
    public static final class InvalidField extends IllegalArgumentException {
        private final String field;

        InvalidField(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /**
     * @param data {@code {"patient", "encounter", "observation_set", "clinician" (optional)}}
     * @param now  the clock reading for MSH-7
     * @throws IllegalArgumentException for an unknown score system, or an {@link InvalidField} for an unreadable
     *                                  timestamp, a control character or a numeric field that is not a number (a 400)
     */
    public Oru build(JsonNode data, Instant now) {
        JsonNode patient = data.path("patient");
        JsonNode encounter = data.path("encounter");
        JsonNode set = data.path("observation_set");
        JsonNode clinician = data.path("clinician");
        String setUuid = str(set.path("uuid"), "observation_set.uuid");
        String controlId = controlId(setUuid);
        String collector = collector(clinician);

        List<String> segments = new ArrayList<>();
        segments.add(String.join("|", "MSH", "^~\\&", e(settings.sendingApplication()), e(settings.sendingFacility()),
                e(settings.receivingApplication()), e(settings.receivingFacility()),
                ZonedDateTime.ofInstant(now, zone).format(timestamp), "", "ORU^R01^ORU_R01", controlId,
                e(settings.processingId()), "2.6"));
        segments.add(pid(patient));
        if (!encounter.path("epr_encounter_id").isMissingNode() && !encounter.path("epr_encounter_id").isNull()) {
            String[] pv1 = fields("PV1", 44);
            pv1[1] = "1";
            // a PL as Polaris sent it ("ward^room^bed"): its ^ stay component separators, the rest is escaped
            pv1[3] = components(str(encounter.path("location_ods_code"), "encounter.location_ods_code"));
            pv1[19] = e(str(encounter.path("epr_encounter_id"), "encounter.epr_encounter_id"));
            pv1[44] = time(encounter.path("admitted_at"), "encounter.admitted_at");
            segments.add(String.join("|", pv1));
        }
        String recordTime = time(set.path("record_time"), "observation_set.record_time");
        String[] obr = fields("OBR", 25);
        obr[1] = "1";
        obr[3] = e(setUuid);
        obr[4] = "EWS";
        obr[7] = recordTime;
        obr[10] = collector;
        obr[25] = "F";
        segments.add(String.join("|", obr));

        Obx obx = new Obx(segments, collector);
        setRows(obx, set, recordTime);
        observationRows(obx, set.path("observations"));
        return new Oru(String.join("\r", segments), controlId);
    }

    private void setRows(Obx obx, JsonNode set, String recordTime) {
        String scoreSystem = null;
        if (truthy(set.path("score_system"))) {
            String system = str(set.path("score_system"), "observation_set.score_system");
            scoreSystem = system.toUpperCase(Locale.ROOT);
            if (!scoreSystem.equals("NEWS2") && !scoreSystem.equals("MEOWS")) {
                throw new IllegalArgumentException("Unexpected score system '" + system + "'");
            }
            obx.score("ST", "ScoringSystem", scoreSystem, recordTime);
        }
        String spo2Scale = num(set.path("spo2_scale"), "observation_set.spo2_scale");
        if ("NEWS2".equals(scoreSystem) && truthy(set.path("spo2_scale"))) {
            obx.score("ST", "SpO2Scale", "Scale " + spo2Scale, recordTime);
        }
        String scoreValue = num(set.path("score_value"), "observation_set.score_value");
        if (present(set.path("score_value"))) {
            obx.row("NM", "TotalScore", scoreValue, "", e(str(set.path("obx_reference_range"), "observation_set.obx_reference_range")),
                    e(str(set.path("obx_abnormal_flags"), "observation_set.obx_abnormal_flags")), recordTime, false);
        }
        String severity = str(set.path("score_severity"), "observation_set.score_severity");
        if (truthy(set.path("score_severity"))) {
            obx.score("ST", "Severity", e(severity), recordTime);
        }
        if (truthy(set.path("time_next_obs_set_due"))) {
            obx.score("TS", "TimeNextObsSetDue", time(set.path("time_next_obs_set_due"), "observation_set.time_next_obs_set_due"), recordTime);
        }
        String minsLate = num(set.path("mins_late"), "observation_set.mins_late");
        if (truthy(set.path("mins_late"))) {
            obx.score("NM", "MinutesLate", minsLate, recordTime);
        }
    }

    private void observationRows(Obx obx, JsonNode observations) {
        measurementWithScore(obx, find(observations, "heart_rate"), "HR", "HRScore", true);
        measurementWithScore(obx, find(observations, "respiratory_rate"), "RR", "RRScore", true);
        JsonNode dbp = find(observations, "diastolic_blood_pressure");
        JsonNode sbp = find(observations, "systolic_blood_pressure");
        if (dbp != null) {
            String measured = time(dbp.path("measured_time"), field(dbp, "measured_time"));
            obx.measurement("NM", "DBP", refusable(dbp, rounded(dbp, "observation_value")), unit(dbp), measured);
            String score = num(dbp.path("score_value"), field(dbp, "score_value"));
            if (present(dbp.path("score_value"))) {
                obx.score("NM", "DBPScore", score, measured);
            }
        }
        measurementWithScore(obx, sbp, "SBP", "SBPScore", true);
        String sbpPosition = position(sbp);
        String dbpPosition = position(dbp);
        JsonNode positioned = sbpPosition != null ? sbp : dbpPosition != null ? dbp : null;
        if (positioned != null) {
            obx.measurement("ST", "BPPOS", e(sbpPosition != null ? sbpPosition : dbpPosition), "",
                    time(positioned.path("measured_time"), field(positioned, "measured_time")));
        }
        measurementWithScore(obx, find(observations, "spo2"), "SPO2", "SPO2Score", true);

        JsonNode o2 = find(observations, "o2_therapy_status");
        if (o2 != null) {
            String measured = time(o2.path("measured_time"), field(o2, "measured_time"));
            obx.measurement("NM", "O2Rate", num(o2.path("observation_value"), field(o2, "observation_value")), unit(o2), measured);
            String delivery = oxygenDelivery(o2);
            if (delivery != null) {
                obx.measurement("CE", "O2Delivery", delivery, "", measured);
            }
            String score = num(o2.path("score_value"), field(o2, "score_value"));
            if (present(o2.path("score_value"))) {
                obx.score("NM", "O2Score", score, measured);
            }
        }
        JsonNode temperature = find(observations, "temperature");
        if (temperature != null) {
            String measured = time(temperature.path("measured_time"), field(temperature, "measured_time"));
            obx.measurement("NM", "TEMP", refusable(temperature, num(temperature.path("observation_value"),
                    field(temperature, "observation_value"))), unit(temperature), measured);
            obx.score("NM", "TEMPScore", num(temperature.path("score_value"), field(temperature, "score_value")), measured);
        }
        JsonNode acvpu = find(observations, "consciousness_acvpu");
        if (acvpu != null) {
            String measured = time(acvpu.path("measured_time"), field(acvpu, "measured_time"));
            String s = str(acvpu.path("observation_string"), field(acvpu, "observation_string"));
            obx.measurement("CE", "ACVPU", s == null || s.isEmpty() ? ""
                    : e(s.substring(0, s.offsetByCodePoints(0, 1))) + "^" + e(s), "", measured);
            obx.score("NM", "ACVPUScore", num(acvpu.path("score_value"), field(acvpu, "score_value")), measured);
        }
        JsonNode gcs = find(observations, "consciousness_gcs");
        if (gcs != null) {
            String measured = time(gcs.path("measured_time"), field(gcs, "measured_time"));
            gcsPart(obx, gcs, "gcs_eyes", "GCS-Eyes", measured);
            gcsPart(obx, gcs, "gcs_verbal", "GCS-Verbal", measured);
            gcsPart(obx, gcs, "gcs_motor", "GCS-Motor", measured);
            JsonNode value = gcs.path("observation_value");
            String total = num(value, field(gcs, "observation_value"));
            obx.measurement("NM", "GCS", present(value) ? new BigDecimal(total).toBigInteger().toString() : "", "", measured);
        }
        JsonNode concern = find(observations, "nurse_concern");
        if (concern != null) {
            String measured = time(concern.path("measured_time"), field(concern, "measured_time"));
            String s = str(concern.path("observation_string"), field(concern, "observation_string"));
            if (s != null) {
                for (String item : s.split(",")) {
                    obx.measurement("ST", "NC", e(item.trim()), "", measured);
                }
            }
        }
    }

    private void measurementWithScore(Obx obx, JsonNode o, String code, String scoreCode, boolean alwaysScore) {
        if (o == null) {
            return;
        }
        String measured = time(o.path("measured_time"), field(o, "measured_time"));
        obx.measurement("NM", code, refusable(o, rounded(o, "observation_value")), unit(o), measured);
        String score = num(o.path("score_value"), field(o, "score_value"));
        if (alwaysScore) {
            obx.score("NM", scoreCode, score, measured);
        }
    }

    private static void gcsPart(Obx obx, JsonNode gcs, String key, String code, String measured) {
        JsonNode meta = gcs.path("observation_metadata");
        JsonNode value = meta.path(key);
        String number = num(value, field(gcs, "observation_metadata." + key));
        String description = str(meta.path(key + "_description"), field(gcs, "observation_metadata." + key + "_description"));
        if (present(value) && description != null && !description.isEmpty()) {
            obx.measurement("CE", code, number + "^" + e(description), "", measured);
        }
    }

    private String oxygenDelivery(JsonNode o2) {
        JsonNode meta = o2.path("observation_metadata");
        String mask = str(meta.path("mask"), field(o2, "observation_metadata.mask"));
        String percentValue = num(meta.path("mask_percent"), field(o2, "observation_metadata.mask_percent"));
        if (mask == null) {
            return null;
        }
        String percent = present(meta.path("mask_percent")) ? percentValue : null;
        for (OruSettings.OxygenMask m : settings.oxygenMasks()) {
            if (m.name().equals(mask)) {
                String code = m.code().replace("{mask_percent}", percent == null ? "21" : percent);
                String name = percent == null ? m.name() : m.name() + " " + percent + "%";
                return e(code) + "^" + e(name);
            }
        }
        return null;
    }

    /** One OBX row writer; keeps the set id counter. */
    private static final class Obx {
        private final List<String> segments;
        private final String collector;
        private int setId;

        Obx(List<String> segments, String collector) {
            this.segments = segments;
            this.collector = collector;
        }

        void measurement(String type, String code, String value, String unit, String time) {
            row(type, code, value, unit, "", "", time, true);
        }

        void score(String type, String code, String value, String time) {
            row(type, code, value, "", "", "", time, false);
        }

        void row(String type, String code, String value, String unit, String range, String flags, String time,
                 boolean withCollector) {
            // OBX-15/16 only on measurement rows, and only when there is a clinician
            boolean observer = withCollector && !collector.isEmpty();
            String[] f = fields("OBX", observer ? 16 : 14);
            f[1] = String.valueOf(++setId);
            f[2] = type;
            f[3] = code;
            f[5] = value;
            f[6] = unit;
            f[7] = range;
            f[8] = flags;
            f[11] = "F";
            f[14] = time;
            if (observer) {
                f[16] = collector;
            }
            segments.add(String.join("|", f));
        }
    }

    // ---- helpers ----

    private String pid(JsonNode patient) {
        List<String> ids = new ArrayList<>();
        String mrn = str(patient.path("hospital_number"), "patient.hospital_number");
        String nhs = str(patient.path("nhs_number"), "patient.nhs_number");
        if (mrn != null && !mrn.isEmpty()) {
            ids.add(e(mrn) + "^^^^MRN");
        }
        if (nhs != null && !nhs.isEmpty()) {
            ids.add(e(nhs) + "^^^^NHS");
        }
        String dob = str(patient.path("dob"), "patient.dob");
        String[] pid = fields("PID", 8);
        pid[1] = "1";
        pid[2] = e(str(patient.path("uuid"), "patient.uuid"));
        pid[3] = String.join("~", ids);
        pid[5] = e(str(patient.path("last_name"), "patient.last_name")) + "^"
                + e(str(patient.path("first_name"), "patient.first_name"));
        pid[7] = dob == null || dob.isEmpty() ? "" : e(dob.replace("-", ""));
        pid[8] = sex(str(patient.path("sex"), "patient.sex"));
        return String.join("|", pid);
    }

    private static String sex(String snomed) {
        if (SexCodes.MALE.equals(snomed)) {
            return "1";
        }
        if (SexCodes.FEMALE.equals(snomed)) {
            return "2";
        }
        if (SexCodes.INDETERMINATE.equals(snomed)) {
            return "4";
        }
        return "3";
    }

    private static String collector(JsonNode clinician) {
        if (clinician.isMissingNode() || clinician.isNull() || !clinician.isObject()) {
            return "";
        }
        String id = str(clinician.path("send_entry_identifier"), "clinician.send_entry_identifier");
        return e(id) + "^" + e(str(clinician.path("last_name"), "clinician.last_name")) + "^"
                + e(str(clinician.path("first_name"), "clinician.first_name"));
    }

    static String controlId(String observationSetUuid) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(
                    (observationSetUuid == null ? "" : observationSetUuid).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md5).substring(0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode find(JsonNode observations, String type) {
        for (JsonNode o : observations) {
            if (type.equals(text(o.path("observation_type")))) {
                boolean skip = !present(o.path("observation_value")) && !present(o.path("observation_string"))
                        && o.path("patient_refused").isBoolean() && !o.path("patient_refused").booleanValue();
                return skip ? null : o;
            }
        }
        return null;
    }

    private static String position(JsonNode bloodPressure) {
        if (bloodPressure == null) {
            return null;
        }
        String p = str(bloodPressure.path("observation_metadata").path("patient_position"),
                field(bloodPressure, "observation_metadata.patient_position"));
        return p == null || p.isEmpty() ? null : p;
    }

    private static String refusable(JsonNode o, String value) {
        return truthy(o.path("patient_refused")) ? "patient_refused" : value;
    }

    /** Python {@code round(float(v))} of the observation's number {@code key}: half to even; 0 and absent print empty. */
    private static String rounded(JsonNode o, String key) {
        String v = num(o.path(key), field(o, key));
        if (v.isEmpty()) {
            return "";
        }
        BigDecimal d = new BigDecimal(v).setScale(0, RoundingMode.HALF_EVEN);
        return d.signum() == 0 ? "" : d.toPlainString();
    }

    private static String unit(JsonNode o) {
        String unit = str(o.path("observation_unit"), field(o, "observation_unit"));
        return unit == null || unit.isEmpty() ? "" : "^" + e(unit);
    }

    /**
     * A numeric request value printed as Python's str() would print it; absent or null → empty.
     *
     * @throws InvalidField when it is not a JSON number
     */
    private static String num(JsonNode v, String field) {
        if (!present(v)) {
            return "";
        }
        if (!v.isNumber()) {
            throw new InvalidField(field, "'" + field + "' must be a JSON number");
        }
        return v.asText();
    }

    /**
     * A text request value (a JSON string, or a number or boolean as printed); absent or null → null.
     *
     * @throws InvalidField for an object or array, or a control character (CR, LF, tab, ...): no field of an
     *                      ORU can hold one, and CR would end the segment
     */
    private static String str(JsonNode v, String field) {
        if (!present(v)) {
            return null;
        }
        if (v.isContainerNode()) {
            throw new InvalidField(field, "'" + field + "' must be a string");
        }
        String s = v.asText();
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new InvalidField(field, "'" + field + "' contains a control character (such as CR or LF), "
                        + "which an HL7 v2 field cannot hold");
            }
        }
        return s;
    }

    /** The request path of an observation's field, e.g. {@code observation_set.observations[heart_rate].score_value}. */
    private static String field(JsonNode observation, String key) {
        return "observation_set.observations[" + text(observation.path("observation_type")) + "]." + key;
    }

    private static boolean present(JsonNode v) {
        return !v.isMissingNode() && !v.isNull();
    }

    private static boolean truthy(JsonNode v) {
        if (!present(v)) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNumber()) {
            return v.asDouble() != 0;
        }
        if (v.isTextual()) {
            return !v.asText().isEmpty();
        }
        return v.size() > 0;
    }

    private static String text(JsonNode v) {
        return present(v) ? v.asText() : null;
    }

    /** Converts an ISO-8601 timestamp (millis and zone required) to the configured zone and format; absent → empty. */
    private String time(JsonNode v, String field) {
        String s = str(v, field);
        if (s == null || s.isEmpty()) {
            return "";
        }
        OffsetDateTime t;
        try {
            t = OffsetDateTime.parse(s, ISO_INPUT);
        } catch (DateTimeParseException e1) {
            try {
                t = OffsetDateTime.parse(s, ISO_INPUT_COMPACT_OFFSET);
            } catch (DateTimeParseException e2) {
                throw new InvalidField(field, "'" + field + "' is not ISO-8601 with milliseconds and a zone: '" + s + "'");
            }
        }
        return t.atZoneSameInstant(zone).format(timestamp);
    }

    /** HL7 escaping of the delimiters with HAPI's {@link Escape} (standard separators); absent → empty. */
    static String e(String s) {
        return s == null ? "" : Escape.escape(s, ENCODING);
    }

    /** {@link #e} of each {@code ^}-separated component; absent → empty. */
    static String components(String s) {
        if (s == null) {
            return "";
        }
        List<String> escaped = new ArrayList<>();
        for (String component : s.split("\\^", -1)) {
            escaped.add(e(component));
        }
        return String.join("^", escaped);
    }

    private static String[] fields(String name, int last) {
        String[] f = new String[last + 1];
        java.util.Arrays.fill(f, "");
        f[0] = name;
        return f;
    }

    /** strftime directives %Y %m %d %H %M %S %L (milliseconds) %z %% as a java.time formatter. */
    static DateTimeFormatter strftime(String format) {
        StringBuilder p = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c == '%' && i + 1 < format.length()) {
                char d = format.charAt(++i);
                String pattern = switch (d) {
                    case 'Y' -> "uuuu";
                    case 'm' -> "MM";
                    case 'd' -> "dd";
                    case 'H' -> "HH";
                    case 'M' -> "mm";
                    case 'S' -> "ss";
                    case 'L' -> "SSS";
                    case 'z' -> "xx";
                    case '%' -> null;
                    default -> throw new IllegalArgumentException("Unsupported timestamp directive %" + d);
                };
                if (pattern == null) {
                    literal.append('%');
                } else {
                    flushLiteral(p, literal);
                    p.append(pattern);
                }
            } else {
                literal.append(c);
            }
        }
        flushLiteral(p, literal);
        return DateTimeFormatter.ofPattern(p.toString());
    }

    private static void flushLiteral(StringBuilder pattern, StringBuilder literal) {
        if (literal.length() > 0) {
            pattern.append('\'').append(literal.toString().replace("'", "''")).append('\'');
            literal.setLength(0);
        }
    }
}
