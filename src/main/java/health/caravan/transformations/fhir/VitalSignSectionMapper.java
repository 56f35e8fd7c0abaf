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
 * diastolic (8462-4) pair in one organizer becomes one blood-pressure Observation 85354-9 with two components;</li>
 * <li>effective[x] is required by the FHIR vital-signs profile: the observation's time, else the organizer's; when
 * neither exists (or is coarser than a day, vs-1), effectiveDateTime carries only a data-absent-reason extension.</li>
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
                refs.add(ctx.addFor(vital(statement, null, ctx), statement));
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
        setEffective(panel, organizerTime, null);

        if (systolic != null && diastolic != null) {
            panel.addHasMember(bloodPressure(systolic, diastolic, organizerTime, ctx));
        } else {
            if (systolic != null) {
                observations.add(0, systolic);
            }
            if (diastolic != null) {
                observations.add(diastolic);
            }
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
        setEffective(o, CdaXml.child(obs, "effectiveTime"), organizerTime);
        return o;
    }

    private Reference bloodPressure(Element systolic, Element diastolic, Element organizerTime, ConversionContext ctx) {
        Observation bp = new Observation();
        bp.setIdentifier(CdaDataTypes.identifiers(CdaXml.children(systolic, "id")));
        bp.setStatus(ObservationFactory.status(SectionMapper.statusCode(systolic)));
        bp.addCategory(category());
        bp.setCode(CdaDataTypes.fixedConcept(CodeSystemUris.LOINC, "85354-9",
                "Blood pressure panel with all children optional"));
        bp.setSubject(ctx.patient());
        setEffective(bp, CdaXml.child(systolic, "effectiveTime"), organizerTime);
        for (Element part : List.of(systolic, diastolic)) {
            Observation.ObservationComponentComponent c = bp.addComponent();
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
        return ctx.add(bp, keyOf(systolic) == null ? null : keyOf(systolic) + "|bp", systolic);
    }

    private static String keyOf(Element obs) {
        return CdaDataTypes.key(CdaXml.child(obs, "id"));
    }

    private static void setEffective(Observation o, Element own, Element fallback) {
        Type t = Hl7Timestamps.effective(own, true);
        if (t == null && fallback != null) {
            t = Hl7Timestamps.effective(fallback, true);
        }
        if (t instanceof DateTimeType dt && dt.getPrecision().ordinal() < TemporalPrecisionEnum.DAY.ordinal()) {
            t = null; // vs-1: a vital sign dateTime must be precise to the day
        }
        if (t instanceof org.hl7.fhir.r4.model.Period p && p.hasStart()
                && p.getStartElement().getPrecision().ordinal() < TemporalPrecisionEnum.DAY.ordinal()) {
            t = null;
        }
        if (t != null) {
            o.setEffective(t);
        } else {
            DateTimeType absent = new DateTimeType();
            absent.addExtension(CdaDataTypes.dataAbsentReason(null));
            o.setEffective(absent);
        }
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
