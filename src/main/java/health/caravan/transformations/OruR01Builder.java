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

    /**
     * @param data {@code {"patient", "encounter", "observation_set", "clinician" (optional)}}
     * @param now  the clock reading for MSH-7
     * @throws IllegalArgumentException for an unknown score system or an unreadable timestamp (a 400)
     */
    public Oru build(JsonNode data, Instant now) {
        JsonNode patient = data.path("patient");
        JsonNode encounter = data.path("encounter");
        JsonNode set = data.path("observation_set");
        JsonNode clinician = data.path("clinician");
        String controlId = controlId(text(set.path("uuid")));
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
            pv1[3] = text(encounter.path("location_ods_code"));
            pv1[19] = e(text(encounter.path("epr_encounter_id")));
            pv1[44] = time(encounter.path("admitted_at"));
            segments.add(String.join("|", pv1));
        }
        String recordTime = time(set.path("record_time"));
        String[] obr = fields("OBR", 25);
        obr[1] = "1";
        obr[3] = e(text(set.path("uuid")));
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
            scoreSystem = text(set.path("score_system")).toUpperCase(Locale.ROOT);
            if (!scoreSystem.equals("NEWS2") && !scoreSystem.equals("MEOWS")) {
                throw new IllegalArgumentException("Unexpected score system '" + text(set.path("score_system")) + "'");
            }
            obx.score("ST", "ScoringSystem", scoreSystem, recordTime);
        }
        if ("NEWS2".equals(scoreSystem) && truthy(set.path("spo2_scale"))) {
            obx.score("ST", "SpO2Scale", "Scale " + raw(set.path("spo2_scale")), recordTime);
        }
        if (present(set.path("score_value"))) {
            obx.row("NM", "TotalScore", raw(set.path("score_value")), "", e(text(set.path("obx_reference_range"))),
                    e(text(set.path("obx_abnormal_flags"))), recordTime, false);
        }
        if (truthy(set.path("score_severity"))) {
            obx.score("ST", "Severity", text(set.path("score_severity")), recordTime);
        }
        if (truthy(set.path("time_next_obs_set_due"))) {
            obx.score("TS", "TimeNextObsSetDue", time(set.path("time_next_obs_set_due")), recordTime);
        }
        if (truthy(set.path("mins_late"))) {
            obx.score("NM", "MinutesLate", raw(set.path("mins_late")), recordTime);
        }
    }

    private void observationRows(Obx obx, JsonNode observations) {
        measurementWithScore(obx, find(observations, "heart_rate"), "HR", "HRScore", true);
        measurementWithScore(obx, find(observations, "respiratory_rate"), "RR", "RRScore", true);
        JsonNode dbp = find(observations, "diastolic_blood_pressure");
        JsonNode sbp = find(observations, "systolic_blood_pressure");
        if (dbp != null) {
            obx.measurement("NM", "DBP", refusable(dbp, rounded(dbp.path("observation_value"))), unit(dbp), time(dbp.path("measured_time")));
            if (present(dbp.path("score_value"))) {
                obx.score("NM", "DBPScore", raw(dbp.path("score_value")), time(dbp.path("measured_time")));
            }
        }
        measurementWithScore(obx, sbp, "SBP", "SBPScore", true);
        JsonNode positioned = position(sbp) != null ? sbp : position(dbp) != null ? dbp : null;
        if (positioned != null) {
            obx.measurement("ST", "BPPOS", e(position(positioned)), "", time(positioned.path("measured_time")));
        }
        measurementWithScore(obx, find(observations, "spo2"), "SPO2", "SPO2Score", true);

        JsonNode o2 = find(observations, "o2_therapy_status");
        if (o2 != null) {
            String measured = time(o2.path("measured_time"));
            obx.measurement("NM", "O2Rate", raw(o2.path("observation_value")), unit(o2), measured);
            String delivery = oxygenDelivery(o2.path("observation_metadata"));
            if (delivery != null) {
                obx.measurement("CE", "O2Delivery", delivery, "", measured);
            }
            if (present(o2.path("score_value"))) {
                obx.score("NM", "O2Score", raw(o2.path("score_value")), measured);
            }
        }
        JsonNode temperature = find(observations, "temperature");
        if (temperature != null) {
            String measured = time(temperature.path("measured_time"));
            obx.measurement("NM", "TEMP", refusable(temperature, raw(temperature.path("observation_value"))), unit(temperature), measured);
            obx.score("NM", "TEMPScore", raw(temperature.path("score_value")), measured);
        }
        JsonNode acvpu = find(observations, "consciousness_acvpu");
        if (acvpu != null) {
            String measured = time(acvpu.path("measured_time"));
            String s = text(acvpu.path("observation_string"));
            obx.measurement("CE", "ACVPU", s == null || s.isEmpty() ? "" : s.charAt(0) + "^" + s, "", measured);
            obx.score("NM", "ACVPUScore", raw(acvpu.path("score_value")), measured);
        }
        JsonNode gcs = find(observations, "consciousness_gcs");
        if (gcs != null) {
            String measured = time(gcs.path("measured_time"));
            JsonNode meta = gcs.path("observation_metadata");
            gcsPart(obx, meta, "gcs_eyes", "GCS-Eyes", measured);
            gcsPart(obx, meta, "gcs_verbal", "GCS-Verbal", measured);
            gcsPart(obx, meta, "gcs_motor", "GCS-Motor", measured);
            JsonNode value = gcs.path("observation_value");
            obx.measurement("NM", "GCS", present(value) ? new BigDecimal(value.asText()).toBigInteger().toString() : "", "", measured);
        }
        JsonNode concern = find(observations, "nurse_concern");
        if (concern != null) {
            String measured = time(concern.path("measured_time"));
            String s = text(concern.path("observation_string"));
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
        String measured = time(o.path("measured_time"));
        obx.measurement("NM", code, refusable(o, rounded(o.path("observation_value"))), unit(o), measured);
        if (alwaysScore) {
            obx.score("NM", scoreCode, raw(o.path("score_value")), measured);
        }
    }

    private static void gcsPart(Obx obx, JsonNode meta, String key, String code, String measured) {
        JsonNode value = meta.path(key);
        String description = text(meta.path(key + "_description"));
        if (present(value) && description != null && !description.isEmpty()) {
            obx.measurement("CE", code, raw(value) + "^" + e(description), "", measured);
        }
    }

    private String oxygenDelivery(JsonNode meta) {
        String mask = text(meta.path("mask"));
        if (mask == null) {
            return null;
        }
        JsonNode percentNode = meta.path("mask_percent");
        String percent = present(percentNode) ? raw(percentNode) : null;
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
        String mrn = text(patient.path("hospital_number"));
        String nhs = text(patient.path("nhs_number"));
        if (mrn != null && !mrn.isEmpty()) {
            ids.add(e(mrn) + "^^^^MRN");
        }
        if (nhs != null && !nhs.isEmpty()) {
            ids.add(e(nhs) + "^^^^NHS");
        }
        String dob = text(patient.path("dob"));
        String[] pid = fields("PID", 8);
        pid[1] = "1";
        pid[2] = e(text(patient.path("uuid")));
        pid[3] = String.join("~", ids);
        pid[5] = e(text(patient.path("last_name"))) + "^" + e(text(patient.path("first_name")));
        pid[7] = dob == null || dob.isEmpty() ? "" : dob.replace("-", "");
        pid[8] = sex(text(patient.path("sex")));
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
        return raw(clinician.path("send_entry_identifier")) + "^" + e(text(clinician.path("last_name"))) + "^"
                + e(text(clinician.path("first_name")));
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
        String p = text(bloodPressure.path("observation_metadata").path("patient_position"));
        return p == null || p.isEmpty() ? null : p;
    }

    private static String refusable(JsonNode o, String value) {
        return truthy(o.path("patient_refused")) ? "patient_refused" : value;
    }

    /** Python {@code round(float(v))}: half to even; 0 and absent print empty. */
    private static String rounded(JsonNode v) {
        if (!present(v)) {
            return "";
        }
        BigDecimal d = new BigDecimal(v.asText()).setScale(0, RoundingMode.HALF_EVEN);
        return d.signum() == 0 ? "" : d.toPlainString();
    }

    private static String unit(JsonNode o) {
        String unit = text(o.path("observation_unit"));
        return unit == null || unit.isEmpty() ? "" : "^" + e(unit);
    }

    /** A JSON value printed as Python's str() would print it; absent → empty. */
    private static String raw(JsonNode v) {
        return present(v) ? v.asText() : "";
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
    private String time(JsonNode v) {
        String s = text(v);
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
                throw new IllegalArgumentException("Timestamp is not ISO-8601 with milliseconds and a zone: '" + s + "'");
            }
        }
        return t.atZoneSameInstant(zone).format(timestamp);
    }

    /** HL7 escaping of the delimiters with HAPI's {@link Escape} (standard separators); absent → empty. */
    static String e(String s) {
        return s == null ? "" : Escape.escape(s, ENCODING);
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
