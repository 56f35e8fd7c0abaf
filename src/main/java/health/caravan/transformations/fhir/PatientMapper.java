package health.caravan.transformations.fhir;

import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.w3c.dom.Element;

/**
 * {@code recordTarget/patientRole} → Patient: identifiers ({@code urn:oid:} systems), names with use, gender
 * (M/F → male/female, UN → other, nullFlavor or anything else → unknown), birthDate (at most day precision),
 * addresses, telecoms, deceased (sdtc:deceasedTime, else sdtc:deceasedInd), maritalStatus, communication language
 * and managingOrganization (providerOrganization). Race, ethnicity, religion and guardians are not mapped
 * (they need US Core extensions).
 */
final class PatientMapper {

    private final ParticipantMapper participants;

    PatientMapper(ParticipantMapper participants) {
        this.participants = participants;
    }

    Reference map(Element patientRole, ConversionContext ctx) {
        Patient p = new Patient();
        for (Identifier id : CdaDataTypes.identifiers(CdaXml.children(patientRole, "id"))) {
            p.addIdentifier(id);
        }
        for (Element ad : CdaXml.children(patientRole, "addr")) {
            Address a = CdaDataTypes.address(ad);
            if (a != null) {
                p.addAddress(a);
            }
        }
        for (Element tel : CdaXml.children(patientRole, "telecom")) {
            ContactPoint cp = CdaDataTypes.telecom(tel);
            if (cp != null) {
                p.addTelecom(cp);
            }
        }
        Element patient = CdaXml.child(patientRole, "patient");
        if (patient != null) {
            for (Element pn : CdaXml.children(patient, "name")) {
                HumanName n = CdaDataTypes.name(pn);
                if (n != null) {
                    p.addName(n);
                }
            }
            p.setGender(gender(CdaXml.child(patient, "administrativeGenderCode")));
            DateType birth = Hl7Timestamps.date(CdaXml.child(patient, "birthTime"));
            if (birth != null) {
                p.setBirthDateElement(birth);
            }
            DateTimeType deceasedTime = Hl7Timestamps.dateTime(CdaXml.child(patient, CdaXml.SDTC, "deceasedTime"));
            Element deceasedInd = CdaXml.child(patient, CdaXml.SDTC, "deceasedInd");
            if (deceasedTime != null) {
                p.setDeceased(deceasedTime);
            } else if (deceasedInd != null && CdaXml.attr(deceasedInd, "value") != null) {
                p.setDeceased(new BooleanType(CdaXml.isTrue(deceasedInd, "value")));
            }
            CodeableConcept marital = CdaDataTypes.concept(CdaXml.child(patient, "maritalStatusCode"));
            if (marital != null) {
                p.setMaritalStatus(marital);
            }
            for (Element lc : CdaXml.children(patient, "languageCommunication")) {
                String lang = CdaXml.attr(CdaXml.child(lc, "languageCode"), "code");
                if (lang != null && lang.matches("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")) {
                    Patient.PatientCommunicationComponent c = p.addCommunication();
                    c.setLanguage(CdaDataTypes.fixedConcept("urn:ietf:bcp:47", lang, null));
                    Element pref = CdaXml.child(lc, "preferenceInd");
                    if (pref != null && CdaXml.attr(pref, "value") != null) {
                        c.setPreferred(CdaXml.isTrue(pref, "value"));
                    }
                }
            }
        }
        Reference org = participants.organization(CdaXml.child(patientRole, "providerOrganization"), ctx);
        if (org != null) {
            p.setManagingOrganization(org);
        }
        String key = p.hasIdentifier() ? CdaDataTypes.identity(p.getIdentifierFirstRep())
                : null;
        Reference ref = ctx.add(p, key, patientRole);
        ctx.patient(ref);
        return ref;
    }

    private static AdministrativeGender gender(Element code) {
        String c = code == null || CdaXml.hasNullFlavor(code) ? null : CdaXml.attr(code, "code");
        if (c == null) {
            return AdministrativeGender.UNKNOWN;
        }
        return switch (c) {
            case "M" -> AdministrativeGender.MALE;
            case "F" -> AdministrativeGender.FEMALE;
            case "UN" -> AdministrativeGender.OTHER;
            default -> AdministrativeGender.UNKNOWN;
        };
    }
}
