package health.caravan.transformations.fhir;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Procedure.ProcedureStatus;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;
import org.w3c.dom.Element;

/**
 * Procedures section (2.16.840.1.113883.10.20.22.2.7[.1]): Procedure Activity Procedure, Act and Observation entries
 * → Procedure (the IG maps the observation variant to Observation; here all three are procedures performed on the
 * patient). status ← statusCode (completed → completed, active → in-progress, aborted → stopped, cancelled →
 * not-done, new → preparation, held/suspended → on-hold, nullified → entered-in-error, missing → unknown;
 * negationInd → not-done), code, performed[x] ← effectiveTime, bodySite ← targetSiteCode.
 */
final class ProcedureSectionMapper implements SectionMapper {

    @Override
    public List<Reference> map(Element section, ConversionContext ctx) {
        List<Reference> refs = new ArrayList<>();
        for (Element statement : SectionMapper.entries(section)) {
            switch (statement.getLocalName()) {
                case "procedure", "act", "observation" -> refs.add(procedure(statement, ctx));
                default -> {
                }
            }
        }
        return refs;
    }

    private Reference procedure(Element p, ConversionContext ctx) {
        Procedure proc = new Procedure();
        proc.setIdentifier(CdaDataTypes.identifiers(CdaXml.children(p, "id")));
        proc.setStatus(CdaXml.isTrue(p, "negationInd") ? ProcedureStatus.NOTDONE : status(SectionMapper.statusCode(p)));
        CodeableConcept code = CdaDataTypes.concept(CdaXml.child(p, "code"));
        if (code != null) {
            proc.setCode(code);
        }
        proc.setSubject(ctx.patient());
        Type performed = Hl7Timestamps.effective(CdaXml.child(p, "effectiveTime"), true);
        if (performed != null) {
            proc.setPerformed(performed);
        }
        for (Element site : CdaXml.children(p, "targetSiteCode")) {
            CodeableConcept bodySite = CdaDataTypes.concept(site);
            if (bodySite != null) {
                proc.addBodySite(bodySite);
            }
        }
        return ctx.addFor(proc, p);
    }

    private static ProcedureStatus status(String code) {
        if (code == null) {
            return ProcedureStatus.UNKNOWN;
        }
        return switch (code) {
            case "completed" -> ProcedureStatus.COMPLETED;
            case "active" -> ProcedureStatus.INPROGRESS;
            case "aborted" -> ProcedureStatus.STOPPED;
            case "cancelled" -> ProcedureStatus.NOTDONE;
            case "new" -> ProcedureStatus.PREPARATION;
            case "held", "suspended" -> ProcedureStatus.ONHOLD;
            case "nullified" -> ProcedureStatus.ENTEREDINERROR;
            default -> ProcedureStatus.UNKNOWN;
        };
    }
}
