package health.caravan.transformations.fhir;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;
import org.w3c.dom.Element;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

/**
 * Vital signs section (2.16.840.1.113883.10.20.22.2.4[.1]), per C-CDA on FHIR "Vital Signs":
 * <ul>
 * <li>Vital Signs Organizer → panel Observation LOINC 85353-1 (category vital-signs) with {@code hasMember};</li>
 * <li>each Vital Sign Observation → Observation (category vital-signs), except that a systolic (8480-6) and
 * diastolic (8462-4) pair in one organizer becomes one blood-pressure Observation 85354-9 with two components (the
 * R4 bp profile, which the validator also applies to 8480-6/8462-4, requires both: a missing half is a component
 * with a dataAbsentReason);</li>
 * <li>effective[x] is required by the FHIR vital-signs profile: the observation's time, else the organizer's; when
 * neither is precise to the day (vs-1), the document's effectiveTime (see {@code setEffective}).</li>
 * </ul>
 * Units are copied as given: the FHIR profiles require UCUM ({@code /min}, {@code mm[Hg]}, {@code Cel}, ...).
 */
final class VitalSignSectionMapper implements SectionMapper {

    private static final String SYSTOLIC = "8480-6";
    private static final String DIASTOLIC = "8462-4";

    @Override
    public List<Reference> map(Element section, ConversionContext ctx) {
        List<Reference> refs = new ArrayList<>();
        for (Element statement : SectionMapper.entries(section)) {
            if ("organizer".equals(statement.getLocalName())) {
                refs.add(panel(statement, ctx));
            } else if ("observation".equals(statement.getLocalName())) {
                String loinc = loinc(statement);
                if (SYSTOLIC.equals(loinc)) {
                    refs.add(bloodPressure(statement, null, null, ctx));
                } else if (DIASTOLIC.equals(loinc)) {
                    refs.add(bloodPressure(null, statement, null, ctx));
                } else {
                    refs.add(ctx.addFor(vital(statement, null, ctx), statement));
                }
            }
        }
        return refs;
    }

    private Reference panel(Element organizer, ConversionContext ctx) {
        Element organizerTime = CdaXml.child(organizer, "effectiveTime");
        List<Element> observations = new ArrayList<>();
        Element systolic = null;
        Element diastolic = null;
        for (Element component : CdaXml.children(organizer, "component")) {
            Element obs = CdaXml.clinicalStatement(component);
            if (obs == null || !"observation".equals(obs.getLocalName())) {
                continue;
            }
            String loinc = loinc(obs);
            if (SYSTOLIC.equals(loinc) && systolic == null) {
                systolic = obs;
            } else if (DIASTOLIC.equals(loinc) && diastolic == null) {
                diastolic = obs;
            } else {
                observations.add(obs);
            }
        }
        Observation panel = new Observation();
        panel.setIdentifier(CdaDataTypes.identifiers(CdaXml.children(organizer, "id")));
        panel.setStatus(ObservationFactory.status(SectionMapper.statusCode(organizer)));
        panel.addCategory(category());
        CodeableConcept code = CdaDataTypes.fixedConcept(CodeSystemUris.LOINC, "85353-1",
                "Vital signs, weight, height, head circumference, oxygen saturation and BMI panel");
        panel.setCode(code);
        panel.setSubject(ctx.patient());
        setEffective(panel, organizerTime, null, ctx);

        if (systolic != null || diastolic != null) {
            panel.addHasMember(bloodPressure(systolic, diastolic, organizerTime, ctx));
        }
        for (Element obs : observations) {
            panel.addHasMember(ctx.addFor(vital(obs, organizerTime, ctx), obs));
        }
        if (!panel.hasHasMember()) {
            panel.setDataAbsentReason(CdaDataTypes.dataAbsentConcept(null));
        }
        return ctx.addFor(panel, organizer);
    }

    private Observation vital(Element obs, Element organizerTime, ConversionContext ctx) {
        Observation o = ObservationFactory.observation(obs, "vital-signs", ctx);
        o.getCategory().clear();
        o.addCategory(category());
        setEffective(o, CdaXml.child(obs, "effectiveTime"), organizerTime, ctx);
        return o;
    }

    private Reference bloodPressure(Element systolic, Element diastolic, Element organizerTime, ConversionContext ctx) {
        Element main = systolic != null ? systolic : diastolic;
        Observation bp = new Observation();
        bp.setIdentifier(CdaDataTypes.identifiers(CdaXml.children(main, "id")));
        bp.setStatus(ObservationFactory.status(SectionMapper.statusCode(main)));
        bp.addCategory(category());
        bp.setCode(CdaDataTypes.fixedConcept(CodeSystemUris.LOINC, "85354-9",
                "Blood pressure panel with all children optional"));
        bp.setSubject(ctx.patient());
        setEffective(bp, CdaXml.child(main, "effectiveTime"), organizerTime, ctx);
        component(bp, systolic, SYSTOLIC, "Systolic blood pressure");
        component(bp, diastolic, DIASTOLIC, "Diastolic blood pressure");
        String key = keyOf(main);
        return ctx.add(bp, key == null ? null : key + "|bp", main);
    }

    private static void component(Observation bp, Element part, String loinc, String display) {
        Observation.ObservationComponentComponent c = bp.addComponent();
        if (part == null) {
            c.setCode(CdaDataTypes.fixedConcept(CodeSystemUris.LOINC, loinc, display));
            c.setDataAbsentReason(CdaDataTypes.dataAbsentConcept(null));
            return;
        }
        c.setCode(CdaDataTypes.requiredConcept(CdaXml.child(part, "code")));
        Element value = CdaXml.child(part, "value");
        Type v = ObservationFactory.value(value);
        if (v != null) {
            c.setValue(v);
        } else {
            c.setDataAbsentReason(CdaDataTypes.dataAbsentConcept(value == null ? null : CdaXml.attr(value, "nullFlavor")));
        }
        for (Element ic : CdaXml.children(part, "interpretationCode")) {
            CodeableConcept interpretation = CdaDataTypes.concept(ic);
            if (interpretation != null) {
                c.addInterpretation(interpretation);
            }
        }
    }

    private static String keyOf(Element obs) {
        return CdaDataTypes.key(CdaXml.child(obs, "id"));
    }

    /**
     * effectiveDateTime of a vital sign. The R4 profile requires effective[x], and this validator's vs-1 check
     * accepts only a dateTime precise to the day (it rejects every Period). Order: the observation's time (value,
     * center or low), the organizer's, then the document's effectiveTime (the time the document says its data were
     * current); with none of those at day precision, a dateTime carrying only a data-absent-reason extension.
     */
    private static void setEffective(Observation o, Element own, Element fallback, ConversionContext ctx) {
        DateTimeType t = dayPrecise(startOf(own));
        if (t == null) {
            t = dayPrecise(startOf(fallback));
        }
        if (t == null) {
            t = dayPrecise(ctx.documentTime());
        }
        if (t == null) {
            t = new DateTimeType();
            t.addExtension(CdaDataTypes.dataAbsentReason(null));
        }
        o.setEffective(t);
    }

    private static DateTimeType startOf(Element time) {
        if (time == null) {
            return null;
        }
        DateTimeType t = Hl7Timestamps.start(time);
        return t != null ? t : Hl7Timestamps.dateTime(CdaXml.child(time, "center"));
    }

    private static DateTimeType dayPrecise(DateTimeType t) {
        return t != null && t.getPrecision().ordinal() >= TemporalPrecisionEnum.DAY.ordinal() ? t : null;
    }

    private static Coding categoryCoding() {
        return new Coding(CodeSystemUris.OBSERVATION_CATEGORY, "vital-signs", "Vital Signs");
    }

    private static CodeableConcept category() {
        return new CodeableConcept(categoryCoding());
    }

    private static String loinc(Element obs) {
        Element code = CdaXml.child(obs, "code");
        if ("2.16.840.1.113883.6.1".equals(CdaXml.attr(code, "codeSystem"))) {
            return CdaXml.attr(code, "code");
        }
        return null;
    }
}
