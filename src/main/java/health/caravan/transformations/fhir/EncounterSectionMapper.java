package health.caravan.transformations.fhir;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Encounter.EncounterStatus;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.w3c.dom.Element;

/**
 * Encounters section (2.16.840.1.113883.10.20.22.2.22[.1]): every Encounter Activity → Encounter.
 * <ul>
 * <li>status: moodCode INT/ARQ/APT/PRMS/RQO → planned; statusCode active → in-progress, cancelled/aborted →
 * cancelled, nullified → entered-in-error; otherwise finished (a documented past encounter);</li>
 * <li>class ← the code (or a translation) when it is a v3 ActCode (e.g. AMB, IMP, EMER), else AMB (class is
 * required);</li>
 * <li>type ← code; period ← effectiveTime (value → start, low/high → start/end).</li>
 * </ul>
 */
final class EncounterSectionMapper implements SectionMapper {

    private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    @Override
    public List<Reference> map(Element section, ConversionContext ctx) {
        List<Reference> refs = new ArrayList<>();
        for (Element statement : SectionMapper.entries(section)) {
            if ("encounter".equals(statement.getLocalName())) {
                refs.add(encounter(statement, ctx));
            }
        }
        return refs;
    }

    private Reference encounter(Element e, ConversionContext ctx) {
        Encounter enc = new Encounter();
        enc.setIdentifier(CdaDataTypes.identifiers(CdaXml.children(e, "id")));
        enc.setStatus(status(CdaXml.attr(e, "moodCode"), SectionMapper.statusCode(e)));
        CodeableConcept code = CdaDataTypes.concept(CdaXml.child(e, "code"));
        Coding encounterClass = null;
        if (code != null) {
            for (Coding c : code.getCoding()) {
                if (ACT_CODE.equals(c.getSystem())) {
                    encounterClass = c.copy();
                    break;
                }
            }
            enc.addType(code);
        }
        enc.setClass_(encounterClass != null ? encounterClass : new Coding(ACT_CODE, "AMB", "ambulatory"));
        enc.setSubject(ctx.patient());
        Element time = CdaXml.child(e, "effectiveTime");
        DateTimeType value = Hl7Timestamps.dateTime(time);
        Period period = value != null ? new Period().setStartElement(value) : Hl7Timestamps.period(time);
        if (period != null) {
            enc.setPeriod(period);
        }
        return ctx.addFor(enc, e);
    }

    private static EncounterStatus status(String mood, String code) {
        if (mood != null && List.of("INT", "ARQ", "APT", "PRMS", "RQO").contains(mood)) {
            return EncounterStatus.PLANNED;
        }
        if (code == null) {
            return EncounterStatus.FINISHED;
        }
        return switch (code) {
            case "active" -> EncounterStatus.INPROGRESS;
            case "cancelled", "aborted" -> EncounterStatus.CANCELLED;
            case "nullified" -> EncounterStatus.ENTEREDINERROR;
            default -> EncounterStatus.FINISHED;
        };
    }
}
