package health.caravan.transformations.fhir;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Immunization.ImmunizationStatus;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.StringType;
import org.w3c.dom.Element;

/**
 * Immunizations section (2.16.840.1.113883.10.20.22.2.2[.1]): every Immunization Activity → Immunization.
 * <ul>
 * <li>status: negationInd="true" → not-done (statusReason ← Immunization Refusal Reason, RSON); statusCode
 * nullified → entered-in-error; otherwise completed;</li>
 * <li>vaccineCode ← manufacturedMaterial/code (CVX), data-absent-reason extension when missing (required);</li>
 * <li>occurrenceDateTime ← effectiveTime (value or low); when absent occurrenceString "unknown" (occurrence[x] is
 * required);</li>
 * <li>lotNumber ← lotNumberText, manufacturer ← manufacturerOrganization (Organization), route, doseQuantity.</li>
 * </ul>
 */
final class ImmunizationSectionMapper implements SectionMapper {

    private final ParticipantMapper participants;

    ImmunizationSectionMapper(ParticipantMapper participants) {
        this.participants = participants;
    }

    @Override
    public List<Reference> map(Element section, ConversionContext ctx) {
        List<Reference> refs = new ArrayList<>();
        for (Element statement : SectionMapper.entries(section)) {
            if ("substanceAdministration".equals(statement.getLocalName())) {
                refs.add(immunization(statement, ctx));
            }
        }
        return refs;
    }

    private Reference immunization(Element sa, ConversionContext ctx) {
        Immunization im = new Immunization();
        im.setIdentifier(CdaDataTypes.identifiers(CdaXml.children(sa, "id")));
        boolean negated = CdaXml.isTrue(sa, "negationInd");
        if (negated) {
            im.setStatus(ImmunizationStatus.NOTDONE);
            for (Element rel : CdaXml.related(sa, "RSON")) {
                CodeableConcept reason = CdaDataTypes.concept(CdaXml.child(rel, "code"));
                if (reason != null) {
                    im.setStatusReason(reason);
                    break;
                }
            }
        } else {
            im.setStatus("nullified".equals(SectionMapper.statusCode(sa)) ? ImmunizationStatus.ENTEREDINERROR
                    : ImmunizationStatus.COMPLETED);
        }
        Element product = CdaXml.path(sa, "consumable", "manufacturedProduct");
        Element material = CdaXml.child(product, "manufacturedMaterial");
        im.setVaccineCode(CdaDataTypes.requiredConcept(CdaXml.child(material, "code")));
        im.setPatient(ctx.patient());
        DateTimeType when = null;
        for (Element time : CdaXml.children(sa, "effectiveTime")) {
            when = Hl7Timestamps.start(time);
            if (when != null) {
                break;
            }
        }
        if (when != null) {
            im.setOccurrence(when);
        } else {
            im.setOccurrence(new StringType("unknown"));
        }
        String lot = CdaXml.text(CdaXml.child(material, "lotNumberText"));
        if (lot != null) {
            im.setLotNumber(lot);
        }
        Reference manufacturer = participants.organization(CdaXml.child(product, "manufacturerOrganization"), ctx);
        if (manufacturer != null) {
            im.setManufacturer(manufacturer);
        }
        CodeableConcept route = CdaDataTypes.concept(CdaXml.child(sa, "routeCode"));
        if (route != null) {
            im.setRoute(route);
        }
        SimpleQuantity dose = CdaDataTypes.simpleQuantity(CdaXml.child(sa, "doseQuantity"));
        if (dose != null) {
            im.setDoseQuantity(dose);
        }
        return ctx.addFor(im, sa);
    }
}
