package health.caravan.transformations.fhir;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceCategory;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceCriticality;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceSeverity;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Reference;
import org.w3c.dom.Element;

/**
 * Allergies section (2.16.840.1.113883.10.20.22.2.6[.1]): every Allergy Intolerance Observation (directly or inside an
 * Allergy Concern Act) → one AllergyIntolerance (C-CDA on FHIR "Allergies" map).
 * <ul>
 * <li>code ← participant/participantRole/playingEntity/code; negated with no substance → SNOMED 716186003
 * "No known allergy"; negated with a substance → verificationStatus refuted;</li>
 * <li>clinicalStatus ← Allergy Status Observation value (active/inactive/resolved), else resolved when the
 * observation has effectiveTime/high or the concern act is completed, else active (always present: ait-1);</li>
 * <li>verificationStatus confirmed unless negated; type/category ← observation value (SNOMED allergy type);</li>
 * <li>onset ← effectiveTime/low; criticality ← Criticality Observation; reactions ← MFST Reaction Observations
 * (manifestation = value, severity ← nested Severity Observation, onset ← low).</li>
 * </ul>
 */
final class AllergySectionMapper implements SectionMapper {

    private static final String CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    private static final String VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
    private static final String ALLERGY_OBSERVATION = "2.16.840.1.113883.10.20.22.4.7";

    @Override
    public List<Reference> map(Element section, ConversionContext ctx) {
        List<Reference> refs = new ArrayList<>();
        for (Element statement : SectionMapper.entries(section)) {
            if ("observation".equals(statement.getLocalName())) {
                refs.add(allergy(statement, null, ctx));
            } else {
                for (Element obs : CdaXml.related(statement, null)) {
                    if ("observation".equals(obs.getLocalName())
                            && (CdaXml.hasTemplate(obs, ALLERGY_OBSERVATION) || CdaXml.child(obs, "participant") != null)) {
                        refs.add(allergy(obs, statement, ctx));
                    }
                }
            }
        }
        return refs;
    }

    private Reference allergy(Element obs, Element concern, ConversionContext ctx) {
        AllergyIntolerance a = new AllergyIntolerance();
        a.setIdentifier(CdaDataTypes.identifiers(CdaXml.children(obs, "id")));
        boolean negated = CdaXml.isTrue(obs, "negationInd");
        CodeableConcept substance = null;
        for (Element participant : CdaXml.children(obs, "participant")) {
            substance = CdaDataTypes.concept(CdaXml.path(participant, "participantRole", "playingEntity", "code"));
            if (substance != null) {
                break;
            }
        }
        if (substance != null) {
            a.setCode(substance);
        } else if (negated) {
            a.setCode(CdaDataTypes.fixedConcept(CodeSystemUris.SNOMED, "716186003", "No known allergy"));
        }
        a.setClinicalStatus(CdaDataTypes.fixedConcept(CLINICAL, clinicalStatus(obs, concern), null));
        String verification = negated && substance != null ? "refuted" : "confirmed";
        a.setVerificationStatus(CdaDataTypes.fixedConcept(VERIFICATION, verification, null));
        typeAndCategory(a, CdaDataTypes.concept(CdaXml.child(obs, "value")));
        DateTimeType onset = Hl7Timestamps.start(CdaXml.child(obs, "effectiveTime"));
        if (onset != null) {
            a.setOnset(onset);
        }
        a.setPatient(ctx.patient());
        for (Element rel : CdaXml.related(obs, null)) {
            if (!"observation".equals(rel.getLocalName())) {
                continue;
            }
            if (CdaXml.hasTemplate(rel, "2.16.840.1.113883.10.20.22.4.145")) {
                criticality(a, CdaXml.attr(CdaXml.child(rel, "value"), "code"));
            } else if (CdaXml.hasTemplate(rel, "2.16.840.1.113883.10.20.22.4.9")) {
                reaction(a, rel);
            }
        }
        return ctx.addFor(a, obs);
    }

    private static String clinicalStatus(Element obs, Element concern) {
        for (Element rel : CdaXml.related(obs, "SUBJ")) {
            if (CdaXml.hasTemplate(rel, "2.16.840.1.113883.10.20.22.4.28")) {
                String code = CdaXml.attr(CdaXml.child(rel, "value"), "code");
                if ("55561003".equals(code)) {
                    return "active";
                }
                if ("73425007".equals(code)) {
                    return "inactive";
                }
                if ("413322009".equals(code)) {
                    return "resolved";
                }
            }
        }
        if (Hl7Timestamps.dateTime(CdaXml.path(obs, "effectiveTime", "high")) != null) {
            return "resolved";
        }
        if (concern != null && "completed".equals(SectionMapper.statusCode(concern))) {
            return "resolved";
        }
        return "active";
    }

    private static void typeAndCategory(AllergyIntolerance a, CodeableConcept value) {
        String code = CdaDataTypes.code(value, CodeSystemUris.SNOMED);
        if (code == null) {
            return;
        }
        switch (code) {
            case "416098002" -> {
                a.setType(AllergyIntoleranceType.ALLERGY);
                a.addCategory(AllergyIntoleranceCategory.MEDICATION);
            }
            case "59037007" -> {
                a.setType(AllergyIntoleranceType.INTOLERANCE);
                a.addCategory(AllergyIntoleranceCategory.MEDICATION);
            }
            case "419511003" -> a.addCategory(AllergyIntoleranceCategory.MEDICATION);
            case "414285001" -> {
                a.setType(AllergyIntoleranceType.ALLERGY);
                a.addCategory(AllergyIntoleranceCategory.FOOD);
            }
            case "235719002" -> {
                a.setType(AllergyIntoleranceType.INTOLERANCE);
                a.addCategory(AllergyIntoleranceCategory.FOOD);
            }
            case "418471000" -> a.addCategory(AllergyIntoleranceCategory.FOOD);
            case "232347008", "426232007" -> {
                a.setType(AllergyIntoleranceType.ALLERGY);
                a.addCategory(AllergyIntoleranceCategory.ENVIRONMENT);
            }
            case "419199007" -> a.setType(AllergyIntoleranceType.ALLERGY);
            default -> {
            }
        }
    }

    private static void criticality(AllergyIntolerance a, String code) {
        if (code == null) {
            return;
        }
        switch (code) {
            case "CRITL" -> a.setCriticality(AllergyIntoleranceCriticality.LOW);
            case "CRITH" -> a.setCriticality(AllergyIntoleranceCriticality.HIGH);
            case "CRITU" -> a.setCriticality(AllergyIntoleranceCriticality.UNABLETOASSESS);
            default -> {
            }
        }
    }

    private static void reaction(AllergyIntolerance a, Element reaction) {
        CodeableConcept manifestation = CdaDataTypes.concept(CdaXml.child(reaction, "value"));
        if (manifestation == null) {
            return; // manifestation is required in a reaction
        }
        AllergyIntolerance.AllergyIntoleranceReactionComponent r = a.addReaction();
        r.addManifestation(manifestation);
        DateTimeType onset = Hl7Timestamps.start(CdaXml.child(reaction, "effectiveTime"));
        if (onset != null) {
            r.setOnsetElement(onset);
        }
        for (Element rel : CdaXml.related(reaction, "SUBJ")) {
            if (CdaXml.hasTemplate(rel, "2.16.840.1.113883.10.20.22.4.8")) {
                AllergyIntoleranceSeverity s = severity(CdaXml.attr(CdaXml.child(rel, "value"), "code"));
                if (s != null) {
                    r.setSeverity(s);
                }
            }
        }
    }

    private static AllergyIntoleranceSeverity severity(String snomed) {
        if (snomed == null) {
            return null;
        }
        return switch (snomed) {
            case "255604002" -> AllergyIntoleranceSeverity.MILD;
            case "6736007" -> AllergyIntoleranceSeverity.MODERATE;
            case "24484000", "442452003" -> AllergyIntoleranceSeverity.SEVERE;
            default -> null;
        };
    }
}
