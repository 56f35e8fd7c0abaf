package health.caravan.transformations;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;

/**
 * Observation set (the JSON that makes an ORU) → CDA document, through a FreeMarker template in
 * {@code transformations/cda/} that an integration engineer can edit. This class only builds the
 * model: patient, clinician, custodian, encounter, LOINC-coded vital signs and the early-warning score.
 * Variants: {@code news2-vital-signs} (C-CDA R2.1 Progress Note with a Vital Signs section) and
 * {@code news2-chart} (the Polaris "NEWS2 Chart" nonXMLBody document pointing at the PDF chart).
 */
public final class CdaDocumentBuilder {

    public static final String VITAL_SIGNS = "news2-vital-signs";
    public static final String NEWS2_CHART = "news2-chart";

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmssxx");
    private static final String LOINC = "2.16.840.1.113883.6.1";

    /** Where the document says it comes from and which ids it uses. */
    public record Settings(String idRoot, String custodianId, String custodianName, String realm, String language) {
    }

    private record Vital(String type, String code, String display, String unit) {
    }

    private static final List<Vital> VITALS = List.of(
            new Vital("heart_rate", "8867-4", "Heart rate", "/min"),
            new Vital("respiratory_rate", "9279-1", "Respiratory rate", "/min"),
            new Vital("systolic_blood_pressure", "8480-6", "Systolic blood pressure", "mm[Hg]"),
            new Vital("diastolic_blood_pressure", "8462-4", "Diastolic blood pressure", "mm[Hg]"),
            new Vital("spo2", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
            new Vital("temperature", "8310-5", "Body temperature", "Cel"),
            new Vital("o2_therapy_status", "3151-8", "Inhaled oxygen flow rate", "L/min"),
            new Vital("consciousness_gcs", "9269-2", "Glasgow coma score total", "{score}"));

    private final Configuration freemarker;
    private final Settings settings;
    private final ZoneId zone;

    public CdaDocumentBuilder(Path templateDir, Settings settings, ZoneId zone) throws IOException {
        this.settings = settings;
        this.zone = zone;
        this.freemarker = new Configuration(Configuration.VERSION_2_3_33);
        freemarker.setDirectoryForTemplateLoading(templateDir.toFile());
        freemarker.setDefaultEncoding("UTF-8");
        freemarker.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        freemarker.setLogTemplateExceptions(false);
    }

    /**
     * @param variant      {@link #VITAL_SIGNS} or {@link #NEWS2_CHART}
     * @param pdfReference where the PDF chart is (news2-chart only)
     * @throws IllegalArgumentException for an unknown variant or unreadable input
     */
    public String build(String variant, JsonNode data, String pdfReference, Instant now) {
        if (!VITAL_SIGNS.equals(variant) && !NEWS2_CHART.equals(variant)) {
            throw new IllegalArgumentException("Unknown CDA variant '" + variant + "' (news2-vital-signs or news2-chart)");
        }
        Map<String, Object> model = model(data, now);
        model.put("pdfReference", pdfReference == null ? "" : pdfReference);
        try {
            Template template = freemarker.getTemplate(variant + ".xml.ftl");
            StringWriter out = new StringWriter();
            template.process(model, out);
            return out.toString();
        } catch (IOException | TemplateException e) {
            throw new IllegalStateException("CDA template " + variant + " failed: " + e.getMessage(), e);
        }
    }

    Map<String, Object> model(JsonNode data, Instant now) {
        JsonNode patient = data.path("patient");
        JsonNode encounter = data.path("encounter");
        JsonNode set = data.path("observation_set");
        JsonNode clinician = data.path("clinician");
        String setId = text(set.path("uuid"), "unknown");

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("idRoot", settings.idRoot());
        m.put("realm", settings.realm());
        m.put("language", settings.language());
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("id", setId + "-cda");
        document.put("setId", setId);
        document.put("title", "Early warning score observations");
        document.put("time", now.atZone(zone).format(TS));
        OffsetDateTime recorded = time(set.path("record_time"));
        document.put("recordTime", recorded == null ? now.atZone(zone).format(TS) : recorded.format(TS));
        document.put("recordTimeText", recorded == null ? "" : recorded.toString());
        m.put("document", document);

        Map<String, Object> p = new LinkedHashMap<>();
        List<Map<String, String>> ids = new ArrayList<>();
        String nhs = text(patient.path("nhs_number"), null);
        String mrn = text(patient.path("hospital_number"), null);
        if (nhs != null && !nhs.isEmpty()) {
            ids.add(Map.of("root", "2.16.840.1.113883.2.1.4.1", "value", nhs, "authority", "NHS"));
        }
        if (mrn != null && !mrn.isEmpty()) {
            ids.add(Map.of("root", "2.16.840.1.113883.4", "value", mrn, "authority", "PAS"));
        }
        p.put("ids", ids);
        p.put("given", text(patient.path("first_name"), ""));
        p.put("family", text(patient.path("last_name"), ""));
        String sex = text(patient.path("sex"), "");
        p.put("gender", SexCodes.MALE.equals(sex) ? "M" : SexCodes.FEMALE.equals(sex) ? "F" : "UN");
        p.put("genderUk", SexCodes.MALE.equals(sex) ? "M" : SexCodes.FEMALE.equals(sex) ? "F"
                : SexCodes.INDETERMINATE.equals(sex) ? "I" : "U");
        String dob = text(patient.path("dob"), "");
        p.put("birthTime", dob.replace("-", ""));
        m.put("patient", p);

        if (clinician.isObject()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", text(clinician.path("uuid"), text(clinician.path("send_entry_identifier"), "unknown")));
            c.put("given", text(clinician.path("first_name"), ""));
            c.put("family", text(clinician.path("last_name"), ""));
            m.put("clinician", c);
        }
        m.put("custodian", Map.of("id", settings.custodianId(), "name", settings.custodianName()));
        String encounterId = text(encounter.path("epr_encounter_id"), text(encounter.path("uuid"), null));
        if (encounterId != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", encounterId);
            OffsetDateTime admitted = time(encounter.path("admitted_at"));
            e.put("admitted", admitted == null ? "" : admitted.format(TS));
            e.put("location", text(encounter.path("location_ods_code"), ""));
            m.put("encounter", e);
        }

        List<Map<String, Object>> vitals = new ArrayList<>();
        for (Vital v : VITALS) {
            JsonNode o = find(set.path("observations"), v.type());
            if (o == null) {
                continue;
            }
            JsonNode value = o.path("observation_value");
            boolean refused = o.path("patient_refused").asBoolean(false);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("ref", "vs" + (vitals.size() + 1));
            row.put("id", text(o.path("uuid"), setId + "-" + v.type()));
            row.put("code", v.code());
            row.put("codeSystem", LOINC);
            row.put("display", v.display());
            boolean hasValue = !refused && value.isNumber();
            row.put("value", hasValue ? value.asText() : "");
            row.put("unit", v.unit());
            row.put("text", refused ? "patient refused" : hasValue ? value.asText() + " " + v.unit() : "not recorded");
            OffsetDateTime measured = time(o.path("measured_time"));
            row.put("time", measured == null ? document.get("recordTime") : measured.format(TS));
            row.put("timeText", measured == null ? "" : measured.toString());
            vitals.add(row);
        }
        m.put("vitals", vitals);
        JsonNode score = set.path("score_value");
        if (score.isNumber()) {
            String system = text(set.path("score_system"), "news2").toUpperCase(java.util.Locale.ROOT);
            m.put("score", Map.of("value", String.valueOf(score.asInt()), "display", system + " total score",
                    "severity", text(set.path("score_severity"), "")));
        }
        return m;
    }

    private static JsonNode find(JsonNode observations, String type) {
        for (JsonNode o : observations) {
            if (type.equals(o.path("observation_type").asText())) {
                return o;
            }
        }
        return null;
    }

    private OffsetDateTime time(JsonNode v) {
        String s = text(v, null);
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).atZoneSameInstant(zone).toOffsetDateTime();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Timestamp is not ISO-8601 with a zone: '" + s + "'");
        }
    }

    private static String text(JsonNode v, String fallback) {
        return v.isMissingNode() || v.isNull() ? fallback : v.asText();
    }
}
