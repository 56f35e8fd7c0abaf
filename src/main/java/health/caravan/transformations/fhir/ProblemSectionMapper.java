package health.caravan.transformations.fhir;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Reference;
import org.w3c.dom.Element;

/**
 * Problems section (2.16.840.1.113883.10.20.22.2.5[.1]): every Problem Observation (inside a Problem Concern Act, or
 * directly in the entry) → one Condition with category problem-list-item (C-CDA on FHIR "Problems" map).
 * <ul>
 * <li>code ← observation value (code + translations, e.g. SNOMED and ICD-10-CM); absent when nullFlavor;</li>
 * <li>onset ← effectiveTime/low, abatement ← effectiveTime/high;</li>
 * <li>clinicalStatus (always present: con-3) ← Problem Status Observation value, else resolved when abated or the
 * concern act is completed, else active; an abated condition is never "active" (con-4);</li>
 * <li>verificationStatus confirmed, refuted when negationInd="true".</li>
 * </ul>
 */
final class ProblemSectionMapper implements SectionMapper {

    private static final String CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    private static final String VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    private static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";

    @Override
    public List<Reference> map(Element section, ConversionContext ctx) {
        List<Reference> refs = new ArrayList<>();
        for (Element statement : SectionMapper.entries(section)) {
            if ("observation".equals(statement.getLocalName())) {
                refs.add(condition(statement, null, ctx));
            } else {
                for (Element obs : CdaXml.related(statement, "SUBJ")) {
                    if ("observation".equals(obs.getLocalName())) {
                        refs.add(condition(obs, statement, ctx));
                    }
                }
            }
        }
        return refs;
    }

    private Reference condition(Element obs, Element concern, ConversionContext ctx) {
        Condition c = new Condition();
        c.setIdentifier(CdaDataTypes.identifiers(CdaXml.children(obs, "id")));
        c.addCategory(CdaDataTypes.fixedConcept(CATEGORY, "problem-list-item", "Problem List Item"));
        CodeableConcept code = CdaDataTypes.concept(CdaXml.child(obs, "value"));
        if (code != null) {
            c.setCode(code);
        }
        Element time = CdaXml.child(obs, "effectiveTime");
        DateTimeType onset = Hl7Timestamps.start(time);
        DateTimeType abatement = Hl7Timestamps.dateTime(CdaXml.child(time, "high"));
        if (onset != null) {
            c.setOnset(onset);
        }
        if (abatement != null && (onset == null || !abatement.getValue().before(onset.getValue()))) {
            c.setAbatement(abatement);
        }
        String status = clinicalStatus(obs, concern, c.hasAbatement());
        c.setClinicalStatus(CdaDataTypes.fixedConcept(CLINICAL, status, null));
        String verification = CdaXml.isTrue(obs, "negationInd") ? "refuted" : "confirmed";
        c.setVerificationStatus(CdaDataTypes.fixedConcept(VERIFICATION, verification, null));
        c.setSubject(ctx.patient());
        return ctx.addFor(c, obs);
    }

    private static String clinicalStatus(Element obs, Element concern, boolean abated) {
        String status = null;
        for (Element rel : CdaXml.related(obs, "REFR")) {
            if (CdaXml.hasTemplate(rel, "2.16.840.1.113883.10.20.22.4.6")) {
                String code = CdaXml.attr(CdaXml.child(rel, "value"), "code");
                if ("55561003".equals(code)) {
                    status = "active";
                } else if ("73425007".equals(code)) {
                    status = "inactive";
                } else if ("413322009".equals(code)) {
                    status = "resolved";
                }
            }
        }
        if (status == null) {
            status = abated || (concern != null && "completed".equals(SectionMapper.statusCode(concern))) ? "resolved"
                    : "active";
        }
        return abated && "active".equals(status) ? "resolved" : status;
    }
}
