package health.caravan.transformations.fhir;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.MedicationStatement.MedicationStatementStatus;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.Timing;
import org.hl7.fhir.r4.model.Type;
import org.w3c.dom.Element;

/**
 * Medications section (2.16.840.1.113883.10.20.22.2.1[.1]): every Medication Activity (substanceAdministration) →
 * MedicationStatement with {@code medicationCodeableConcept} (no separate Medication resource: the C-CDA
 * manufacturedMaterial carries only a code).
 * <ul>
 * <li>status ← statusCode: active → active, completed → completed, aborted → stopped, suspended/held → on-hold,
 * cancelled → not-taken, nullified → entered-in-error, new → intended; negationInd → not-taken; missing →
 * unknown (status is required);</li>
 * <li>effective ← the IVL_TS effectiveTime (period, or dateTime for a single value);</li>
 * <li>dosage: route ← routeCode, dose ← doseQuantity, timing ← PIVL_TS period (frequency 1 per period).</li>
 * </ul>
 */
final class MedicationSectionMapper implements SectionMapper {

    @Override
    public List<Reference> map(Element section, ConversionContext ctx) {
        List<Reference> refs = new ArrayList<>();
        for (Element statement : SectionMapper.entries(section)) {
            if ("substanceAdministration".equals(statement.getLocalName())) {
                refs.add(statement(statement, ctx));
            }
        }
        return refs;
    }

    private Reference statement(Element sa, ConversionContext ctx) {
        MedicationStatement ms = new MedicationStatement();
        ms.setIdentifier(CdaDataTypes.identifiers(CdaXml.children(sa, "id")));
        ms.setStatus(CdaXml.isTrue(sa, "negationInd") ? MedicationStatementStatus.NOTTAKEN
                : status(SectionMapper.statusCode(sa)));
        ms.setMedication(CdaDataTypes.requiredConcept(
                CdaXml.path(sa, "consumable", "manufacturedProduct", "manufacturedMaterial", "code")));
        ms.setSubject(ctx.patient());
        Dosage dosage = new Dosage();
        for (Element time : CdaXml.children(sa, "effectiveTime")) {
            String type = CdaXml.xsiType(time);
            if ("PIVL_TS".equals(type)) {
                Timing timing = timing(time);
                if (timing != null) {
                    dosage.setTiming(timing);
                }
            } else if (!"EIVL_TS".equals(type) && !ms.hasEffective()) {
                Type effective = Hl7Timestamps.effective(time, false);
                if (effective != null) {
                    ms.setEffective(effective);
                }
            }
        }
        CodeableConcept route = CdaDataTypes.concept(CdaXml.child(sa, "routeCode"));
        if (route != null) {
            dosage.setRoute(route);
        }
        Element dose = CdaXml.child(sa, "doseQuantity");
        SimpleQuantity q = CdaDataTypes.simpleQuantity(dose);
        if (q == null && dose != null) {
            q = CdaDataTypes.simpleQuantity(CdaXml.child(dose, "low"));
        }
        if (q != null) {
            dosage.addDoseAndRate().setDose(q);
        }
        if (!dosage.isEmpty()) {
            ms.addDosage(dosage);
        }
        return ctx.addFor(ms, sa);
    }

    static MedicationStatementStatus status(String code) {
        if (code == null) {
            return MedicationStatementStatus.UNKNOWN;
        }
        return switch (code) {
            case "active" -> MedicationStatementStatus.ACTIVE;
            case "completed" -> MedicationStatementStatus.COMPLETED;
            case "aborted" -> MedicationStatementStatus.STOPPED;
            case "suspended", "held" -> MedicationStatementStatus.ONHOLD;
            case "cancelled" -> MedicationStatementStatus.NOTTAKEN;
            case "nullified" -> MedicationStatementStatus.ENTEREDINERROR;
            case "new" -> MedicationStatementStatus.INTENDED;
            default -> MedicationStatementStatus.UNKNOWN;
        };
    }

    private static Timing timing(Element pivl) {
        Element period = CdaXml.child(pivl, "period");
        BigDecimal value = CdaDataTypes.number(period);
        Timing.UnitsOfTime unit = unit(CdaXml.attr(period, "unit"));
        if (value == null || unit == null || value.signum() <= 0) {
            return null;
        }
        Timing timing = new Timing();
        timing.getRepeat().setFrequency(1).setPeriod(value).setPeriodUnit(unit);
        return timing;
    }

    private static Timing.UnitsOfTime unit(String ucum) {
        if (ucum == null) {
            return null;
        }
        return switch (ucum) {
            case "s" -> Timing.UnitsOfTime.S;
            case "min" -> Timing.UnitsOfTime.MIN;
            case "h" -> Timing.UnitsOfTime.H;
            case "d" -> Timing.UnitsOfTime.D;
            case "wk" -> Timing.UnitsOfTime.WK;
            case "mo" -> Timing.UnitsOfTime.MO;
            case "a" -> Timing.UnitsOfTime.A;
            default -> null;
        };
    }
}
