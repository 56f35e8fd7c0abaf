package health.caravan.transformations.fhir;

import java.math.BigDecimal;

import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.w3c.dom.Element;

/**
 * A CDA observation (result, vital sign, social history) → FHIR Observation: identifiers, status, code, category,
 * effective, value[x] by xsi:type (PQ → Quantity, CD/CE/CO/CV → CodeableConcept, ST → string, INT → integer,
 * REAL → Quantity, BL → boolean, IVL_PQ → Range, TS → dateTime), interpretation and referenceRange. A missing or
 * nullFlavor value becomes {@code dataAbsentReason} (vs-2 / obs-6).
 */
final class ObservationFactory {

    private ObservationFactory() {
    }

    /** statusCode → Observation.status; missing or unknown codes → final (C-CDA documents report what was done). */
    static ObservationStatus status(String code) {
        if (code == null) {
            return ObservationStatus.FINAL;
        }
        return switch (code) {
            case "active", "new", "held", "suspended" -> ObservationStatus.PRELIMINARY;
            case "aborted", "cancelled" -> ObservationStatus.CANCELLED;
            case "nullified" -> ObservationStatus.ENTEREDINERROR;
            default -> ObservationStatus.FINAL;
        };
    }

    static Observation observation(Element obs, String category, ConversionContext ctx) {
        Observation o = new Observation();
        o.setIdentifier(CdaDataTypes.identifiers(CdaXml.children(obs, "id")));
        o.setStatus(status(SectionMapper.statusCode(obs)));
        o.addCategory(CdaDataTypes.fixedConcept(CodeSystemUris.OBSERVATION_CATEGORY, category, null));
        o.setCode(CdaDataTypes.requiredConcept(CdaXml.child(obs, "code")));
        o.setSubject(ctx.patient());
        Type effective = Hl7Timestamps.effective(CdaXml.child(obs, "effectiveTime"), true);
        if (effective != null) {
            o.setEffective(effective);
        }
        Element value = CdaXml.child(obs, "value");
        Type v = value(value);
        if (v != null) {
            o.setValue(v);
        } else {
            o.setDataAbsentReason(CdaDataTypes.dataAbsentConcept(value == null ? null : CdaXml.attr(value, "nullFlavor")));
        }
        for (Element ic : CdaXml.children(obs, "interpretationCode")) {
            CodeableConcept interpretation = CdaDataTypes.concept(ic);
            if (interpretation != null) {
                o.addInterpretation(interpretation);
            }
        }
        for (Element rr : CdaXml.children(obs, "referenceRange")) {
            referenceRange(o, CdaXml.child(rr, "observationRange"));
        }
        CodeableConcept method = CdaDataTypes.concept(CdaXml.child(obs, "methodCode"));
        if (method != null) {
            o.setMethod(method);
        }
        CodeableConcept site = CdaDataTypes.concept(CdaXml.child(obs, "targetSiteCode"));
        if (site != null) {
            o.setBodySite(site);
        }
        VitalSignProfiles.conform(o); // a vital-sign LOINC code implies an R4 profile, in any section
        return o;
    }

    /** A CDA ANY value → FHIR value[x], or null. */
    static Type value(Element value) {
        if (value == null || CdaXml.hasNullFlavor(value) && CdaXml.child(value, "translation") == null
                && CdaXml.child(value, "originalText") == null) {
            return null;
        }
        String type = CdaXml.xsiType(value);
        if (type == null) {
            type = CdaXml.attr(value, "code") != null ? "CD" : CdaXml.attr(value, "unit") != null ? "PQ" : "ST";
        }
        switch (type) {
            case "PQ", "REAL", "MO" -> {
                return CdaDataTypes.quantity(value);
            }
            case "INT" -> {
                BigDecimal n = CdaDataTypes.number(value);
                if (n == null) {
                    return null;
                }
                try {
                    return new IntegerType(n.intValueExact());
                } catch (ArithmeticException e) {
                    return new Quantity().setValue(n);
                }
            }
            case "CD", "CE", "CV", "CO", "CS" -> {
                return CdaDataTypes.concept(value);
            }
            case "BL" -> {
                String b = CdaXml.attr(value, "value");
                return b == null ? null : new BooleanType("true".equalsIgnoreCase(b));
            }
            case "IVL_PQ" -> {
                Range r = CdaDataTypes.range(value);
                if (r != null) {
                    return r;
                }
                return CdaDataTypes.quantity(value);
            }
            case "TS" -> {
                DateTimeType t = Hl7Timestamps.dateTime(value);
                return t;
            }
            case "ST", "ED" -> {
                String s = CdaXml.text(value);
                return s == null ? null : new StringType(s);
            }
            default -> {
                return null;
            }
        }
    }

    private static void referenceRange(Observation o, Element range) {
        if (range == null) {
            return;
        }
        Observation.ObservationReferenceRangeComponent rr = new Observation.ObservationReferenceRangeComponent();
        Element value = CdaXml.child(range, "value");
        if (value != null && "IVL_PQ".equals(CdaXml.xsiType(value))) {
            SimpleQuantity low = CdaDataTypes.simpleQuantity(CdaXml.child(value, "low"));
            SimpleQuantity high = CdaDataTypes.simpleQuantity(CdaXml.child(value, "high"));
            if (low != null) {
                rr.setLow(low);
            }
            if (high != null) {
                rr.setHigh(high);
            }
        }
        String text = CdaXml.text(CdaXml.child(range, "text"));
        if (text != null) {
            rr.setText(text);
        }
        if (rr.hasLow() || rr.hasHigh() || rr.hasText()) { // obs-3
            o.addReferenceRange(rr);
        }
    }
}
