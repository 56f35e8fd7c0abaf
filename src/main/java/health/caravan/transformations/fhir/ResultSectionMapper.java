package health.caravan.transformations.fhir;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DiagnosticReport.DiagnosticReportStatus;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;
import org.w3c.dom.Element;

/**
 * Results section (2.16.840.1.113883.10.20.22.2.3[.1]): every Result Organizer → DiagnosticReport (category LAB,
 * status ← statusCode: completed → final, active → partial, aborted/cancelled → cancelled, otherwise final) whose
 * {@code result}s are one Observation (category laboratory) per component Result Observation. A result observation
 * directly in an entry becomes a lone Observation. The Composition section lists the DiagnosticReports and the lone
 * Observations.
 */
final class ResultSectionMapper implements SectionMapper {

    private static final String V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074";

    @Override
    public List<Reference> map(Element section, ConversionContext ctx) {
        List<Reference> refs = new ArrayList<>();
        for (Element statement : SectionMapper.entries(section)) {
            if ("organizer".equals(statement.getLocalName())) {
                refs.add(report(statement, ctx));
            } else if ("observation".equals(statement.getLocalName())) {
                refs.add(ctx.addFor(ObservationFactory.observation(statement, "laboratory", ctx), statement));
            }
        }
        return refs;
    }

    private Reference report(Element organizer, ConversionContext ctx) {
        DiagnosticReport dr = new DiagnosticReport();
        dr.setIdentifier(CdaDataTypes.identifiers(CdaXml.children(organizer, "id")));
        dr.setStatus(status(SectionMapper.statusCode(organizer)));
        dr.addCategory(CdaDataTypes.fixedConcept(V2_0074, "LAB", "Laboratory"));
        dr.setCode(CdaDataTypes.requiredConcept(CdaXml.child(organizer, "code")));
        dr.setSubject(ctx.patient());
        Type effective = Hl7Timestamps.effective(CdaXml.child(organizer, "effectiveTime"), true);
        for (Element component : CdaXml.children(organizer, "component")) {
            Element obs = CdaXml.clinicalStatement(component);
            if (obs != null && "observation".equals(obs.getLocalName())) {
                Observation o = ObservationFactory.observation(obs, "laboratory", ctx);
                dr.addResult(ctx.addFor(o, obs));
                if (effective == null && o.hasEffective()) {
                    effective = o.getEffective().copy();
                }
            }
        }
        if (effective != null) {
            dr.setEffective(effective);
        }
        return ctx.addFor(dr, organizer);
    }

    private static DiagnosticReportStatus status(String code) {
        if (code == null) {
            return DiagnosticReportStatus.FINAL;
        }
        return switch (code) {
            case "active", "new", "held", "suspended" -> DiagnosticReportStatus.PARTIAL;
            case "aborted", "cancelled" -> DiagnosticReportStatus.CANCELLED;
            case "nullified" -> DiagnosticReportStatus.ENTEREDINERROR;
            default -> DiagnosticReportStatus.FINAL;
        };
    }
}
