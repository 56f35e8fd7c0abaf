package health.caravan.transformations.fhir;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;

/**
 * FHIR R4 implies a vital-signs profile for every Observation whose code is one of the LOINC codes the validator
 * associates with it (e.g. 59408-5 "SpO2 by pulse oximetry" → oxygensat, 3141-9 "Body weight Measured" →
 * bodyweight). Each profile requires its "magic" LOINC code (2708-6, 29463-7, ...) among the codings, the
 * vital-signs category, and a UCUM quantity from a short list of units. This class brings such an Observation into
 * line without inventing data:
 * <ul>
 * <li>the magic coding is <em>added</em> next to the source's codes (the profiles allow other codes beside it);</li>
 * <li>the vital-signs category is added when missing;</li>
 * <li>a unit the profile does not take is repaired only when its meaning is certain: a spelling of the same unit
 * ({@code cel} → {@code Cel}, {@code lbs} → {@code [lb_av]}, {@code bpm} → {@code /min}), the one unit a measure has
 * when the source gives none ({@code kg/m2} for a BMI, {@code %} for a saturation, {@code /min} for a rate), or a bare "degrees" whose value
 * lies in a range only one scale can give a living body (25–46 → Cel, 77–115 → [degF]). {@code Quantity.unit} keeps
 * the source's text. Otherwise the value is not given as a Quantity at all: {@code dataAbsentReason}
 * {@code unsupported} plus a note "Recorded as: &lt;value&gt; &lt;unit&gt;", so the clinician still reads it.</li>
 * </ul>
 * The code lists are those of the HL7 validator (org.hl7.fhir.validation BasePolicyAdvisorForFullValidation).
 */
final class VitalSignProfiles {

    private record Profile(String name, String magic, String display, List<String> units) {
    }

    private static final Map<String, Profile> BY_CODE = new HashMap<>();

    static {
        add(new Profile("resprate", "9279-1", "Respiratory rate", List.of("/min")),
                "76170-0", "76172-6", "76171-8", "19840-8", "33438-3", "76270-8", "11291-2");
        add(new Profile("heartrate", "8867-4", "Heart rate", List.of("/min")),
                "60978-4", "73795-7", "73799-9", "76476-1", "76477-9", "8889-8", "8890-6", "8891-4", "8892-2",
                "8893-0", "40443-4", "55425-3", "68999-2", "11328-2", "69000-8", "8886-4");
        add(new Profile("oxygensat", "2708-6", "Oxygen saturation in Arterial blood", List.of("%")),
                "19224-5", "20564-1", "2709-4", "2710-2", "2713-6", "51733-4", "59408-5", "59417-6", "89276-0",
                "97549-0");
        add(new Profile("bodytemp", "8310-5", "Body temperature", List.of("Cel", "[degF]")),
                "60834-9", "60835-6", "60836-4", "60838-0", "60955-2", "61009-7", "75539-7", "75987-8", "76010-8",
                "76011-6", "76278-1", "8309-7", "8328-7", "8329-5", "8330-3", "8331-1", "8332-9", "8333-7",
                "8334-5", "91371-5", "98657-0", "98663-8");
        add(new Profile("bodyheight", "8302-2", "Body height", List.of("cm", "[in_i]")),
                "3137-7", "3138-5", "8306-3", "8308-9");
        add(new Profile("headcircum", "9843-4", "Head Occipital-frontal circumference", List.of("cm", "[in_i]")),
                "8287-5");
        add(new Profile("bodyweight", "29463-7", "Body weight", List.of("kg", "g", "[lb_av]")),
                "3141-9", "3142-7", "75292-3", "79348-9", "8350-1", "8351-9");
        add(new Profile("bmi", "39156-5", "Body mass index (BMI) [Ratio]", List.of("kg/m2")), "89270-3");
    }

    private static void add(Profile p, String... others) {
        BY_CODE.put(p.magic(), p);
        for (String code : others) {
            BY_CODE.put(code, p);
        }
    }

    /** Spellings of the profiles' units, lower-cased without spaces. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("cel", "Cel"), Map.entry("c", "Cel"), Map.entry("degc", "Cel"), Map.entry("°c", "Cel"),
            Map.entry("celsius", "Cel"), Map.entry("[degf]", "[degF]"), Map.entry("f", "[degF]"),
            Map.entry("degf", "[degF]"), Map.entry("°f", "[degF]"), Map.entry("fahrenheit", "[degF]"),
            Map.entry("kg", "kg"), Map.entry("kgs", "kg"), Map.entry("g", "g"), Map.entry("lb", "[lb_av]"),
            Map.entry("lbs", "[lb_av]"), Map.entry("[lb_av]", "[lb_av]"), Map.entry("pounds", "[lb_av]"),
            Map.entry("cm", "cm"), Map.entry("in", "[in_i]"), Map.entry("[in_i]", "[in_i]"),
            Map.entry("[in_us]", "[in_i]"), Map.entry("inch", "[in_i]"), Map.entry("inches", "[in_i]"),
            Map.entry("kg/m2", "kg/m2"), Map.entry("kg/m^2", "kg/m2"), Map.entry("kg/m²", "kg/m2"),
            Map.entry("%", "%"), Map.entry("/min", "/min"), Map.entry("bpm", "/min"), Map.entry("{beats}/min", "/min"),
            Map.entry("beats/min", "/min"), Map.entry("{breaths}/min", "/min"), Map.entry("breaths/min", "/min"),
            Map.entry("1/min", "/min"), Map.entry("min-1", "/min"));

    private VitalSignProfiles() {
    }

    /** The implied profile's name (e.g. "oxygensat") for a code, or null. */
    static String profileOf(CodeableConcept code) {
        Profile p = profile(code);
        return p == null ? null : p.name();
    }

    private static Profile profile(CodeableConcept code) {
        if (code == null) {
            return null;
        }
        for (Coding c : code.getCoding()) {
            if (CodeSystemUris.LOINC.equals(c.getSystem()) && BY_CODE.containsKey(c.getCode())) {
                return BY_CODE.get(c.getCode());
            }
        }
        return null;
    }

    /** Applies the rules above when the Observation's code implies a vital-signs profile; else does nothing. */
    static void conform(Observation o) {
        Profile p = profile(o.getCode());
        if (p == null) {
            return;
        }
        if (o.getCode().getCoding().stream().noneMatch(c -> CodeSystemUris.LOINC.equals(c.getSystem()) && p.magic().equals(c.getCode()))) {
            o.getCode().addCoding(new Coding(CodeSystemUris.LOINC, p.magic(), p.display()));
        }
        boolean category = o.getCategory().stream().anyMatch(cc -> cc.getCoding().stream()
                .anyMatch(c -> CodeSystemUris.OBSERVATION_CATEGORY.equals(c.getSystem())
                        && "vital-signs".equals(c.getCode())));
        if (!category) {
            o.addCategory(CdaDataTypes.fixedConcept(CodeSystemUris.OBSERVATION_CATEGORY, "vital-signs", "Vital Signs"));
        }
        if (o.hasValueQuantity()) {
            Quantity q = o.getValueQuantity();
            String unit = unit(p, q.getUnit(), q.getValue());
            if (unit != null) {
                if (!q.hasUnit()) {
                    q.setUnit(unit);
                }
                q.setSystem(CodeSystemUris.UCUM).setCode(unit);
            } else {
                String recorded = q.getValue().toPlainString() + (q.hasUnit() ? " " + q.getUnit() : "");
                o.setValue(null);
                o.setDataAbsentReason(CdaDataTypes.dataAbsentConcept("OTH"));
                o.addNote().setText("Recorded as: " + recorded);
            }
        }
    }

    /** The profile's UCUM code for a source unit, or null when it cannot be told for certain. */
    static String unit(String profile, String unit, BigDecimal value) {
        for (Profile p : BY_CODE.values()) {
            if (p.name().equals(profile)) {
                return unit(p, unit, value);
            }
        }
        return null;
    }

    private static String unit(Profile p, String unit, BigDecimal value) {
        if (unit != null && p.units().contains(unit)) {
            return unit;
        }
        if (unit == null || unit.isBlank()) {
            // no unit: a rate is per minute, a saturation a percentage, a BMI kg/m2; a weight could be kg or lb
            return p.units().size() == 1 ? p.units().get(0) : null;
        }
        String alias = ALIASES.get(unit.toLowerCase(Locale.ROOT).replace(" ", ""));
        if (alias != null && p.units().contains(alias)) {
            return alias;
        }
        String u = unit.toLowerCase(Locale.ROOT).replace(" ", "");
        if ("bodytemp".equals(p.name()) && value != null && (u.equals("deg") || u.equals("degrees") || u.equals("°"))) {
            if (value.compareTo(BigDecimal.valueOf(25)) >= 0 && value.compareTo(BigDecimal.valueOf(46)) <= 0) {
                return "Cel";
            }
            if (value.compareTo(BigDecimal.valueOf(77)) >= 0 && value.compareTo(BigDecimal.valueOf(115)) <= 0) {
                return "[degF]";
            }
        }
        return null;
    }
}
