package health.caravan.transformations.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ca.uhn.fhir.context.FhirContext;

/** C-CDA → FHIR R4 document Bundle: mapping facts, determinism and 0 validator errors for every test document. */
class CcdaToFhirConverterTest {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static FhirResourceValidator validator;
    private static CcdaToFhirConverter converter;

    @BeforeAll
    static void setUp() {
        validator = new FhirResourceValidator(CTX);
        converter = new CcdaToFhirConverter(CTX);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = CcdaToFhirConverterTest.class.getResourceAsStream("/ccda/" + name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    static <T extends Resource> List<T> all(Bundle b, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            if (type.isInstance(e.getResource())) {
                out.add(type.cast(e.getResource()));
            }
        }
        return out;
    }

    static Map<String, Integer> counts(Bundle b) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            counts.merge(e.getResource().fhirType(), 1, Integer::sum);
        }
        return counts;
    }

    static Resource resolve(Bundle b, Reference r) {
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            if (e.getFullUrl().equals(r.getReference())) {
                return e.getResource();
            }
        }
        return null;
    }

    private static Bundle convertValid(String name) throws IOException {
        Bundle b = converter.convert(resource(name));
        List<String> errors = validator.errors(b);
        assertEquals(List.of(), errors, name + " bundle has validation errors");
        return b;
    }

    private static void assertStructure(Bundle b) {
        assertEquals(Bundle.BundleType.DOCUMENT, b.getType());
        assertTrue(b.getEntryFirstRep().getResource() instanceof Composition, "Composition first");
        Set<String> urls = new HashSet<>();
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            assertTrue(e.getFullUrl().startsWith("urn:uuid:"), e.getFullUrl());
            assertEquals(e.getFullUrl(), "urn:uuid:" + e.getResource().getIdElement().getIdPart());
            assertTrue(urls.add(e.getFullUrl()), "unique fullUrl " + e.getFullUrl());
        }
        Composition c = (Composition) b.getEntryFirstRep().getResource();
        assertNotNull(resolve(b, c.getSubject()));
        for (Composition.SectionComponent s : c.getSection()) {
            assertTrue(s.hasTitle());
            for (Reference r : s.getEntry()) {
                assertNotNull(resolve(b, r), "section " + s.getTitle() + " entry " + r.getReference() + " resolves");
            }
        }
    }

    private static Composition composition(Bundle b) {
        return (Composition) b.getEntryFirstRep().getResource();
    }

    private static Composition.SectionComponent section(Bundle b, String title) {
        return composition(b).getSection().stream().filter(s -> title.equals(s.getTitle())).findFirst()
                .orElseThrow(() -> new AssertionError("no section " + title));
    }

    private static Observation observation(Bundle b, String loinc) {
        return all(b, Observation.class).stream()
                .filter(o -> o.getCode().getCoding().stream().anyMatch(c -> loinc.equals(c.getCode())))
                .findFirst().orElseThrow(() -> new AssertionError("no Observation " + loinc));
    }

    @Test
    void medianCcdMapsEverySection() throws IOException {
        Bundle b = convertValid("ccd-median.xml");
        assertStructure(b);
        assertEquals(Map.ofEntries(Map.entry("AllergyIntolerance", 1), Map.entry("Composition", 1),
                Map.entry("Condition", 1), Map.entry("DiagnosticReport", 1), Map.entry("Encounter", 1),
                Map.entry("Immunization", 1), Map.entry("MedicationStatement", 1), Map.entry("Observation", 8),
                Map.entry("Organization", 2), Map.entry("Patient", 1), Map.entry("Practitioner", 1),
                Map.entry("PractitionerRole", 1), Map.entry("Procedure", 1)), counts(b));

        assertEquals("urn:oid:2.16.840.1.113883.19.5.99999.1", b.getIdentifier().getSystem());
        assertEquals("TT988", b.getIdentifier().getValue());
        assertEquals("2024-01-15T10:30:00-05:00", b.getTimestampElement().getValueAsString());

        Patient p = all(b, Patient.class).get(0);
        assertEquals("Everywoman", p.getNameFirstRep().getFamily());
        assertEquals("Eve", p.getNameFirstRep().getGiven().get(0).getValue());
        assertEquals("official", p.getNameFirstRep().getUse().toCode());
        assertEquals("1975-05-01", p.getBirthDateElement().getValueAsString());
        assertEquals("female", p.getGender().toCode());
        assertEquals("urn:oid:2.16.840.1.113883.19.5.99999.2", p.getIdentifier().get(0).getSystem());
        assertEquals("998991", p.getIdentifier().get(0).getValue());
        assertEquals("http://hl7.org/fhir/sid/us-ssn", p.getIdentifier().get(1).getSystem());
        assertEquals("phone", p.getTelecomFirstRep().getSystem().toCode());
        assertEquals("Beaverton", p.getAddressFirstRep().getCity());

        Composition c = composition(b);
        assertEquals("final", c.getStatus().toCode());
        assertEquals("34133-9", c.getType().getCodingFirstRep().getCode());
        assertEquals("Continuity of Care Document", c.getTitle());
        assertEquals(List.of("Allergies and Adverse Reactions", "Problems", "Medications", "Immunizations", "Results",
                "Vital Signs", "Procedures", "Encounters", "Social History"),
                c.getSection().stream().map(Composition.SectionComponent::getTitle).toList());
        // author (NPI) and legal authenticator (same NPI) are one Practitioner
        Practitioner doc = (Practitioner) resolve(b, c.getAuthorFirstRep());
        assertEquals("http://hl7.org/fhir/sid/us-npi", doc.getIdentifierFirstRep().getSystem());
        assertEquals(c.getAuthorFirstRep().getReference(), c.getAttesterFirstRep().getParty().getReference());
        assertEquals("legal", c.getAttesterFirstRep().getMode().toCode());
        assertEquals("Community Health and Hospitals",
                ((org.hl7.fhir.r4.model.Organization) resolve(b, c.getCustodian())).getName());

        AllergyIntolerance a = all(b, AllergyIntolerance.class).get(0);
        assertEquals("7980", a.getCode().getCodingFirstRep().getCode());
        assertEquals("http://www.nlm.nih.gov/research/umls/rxnorm", a.getCode().getCodingFirstRep().getSystem());
        assertEquals("active", a.getClinicalStatus().getCodingFirstRep().getCode());
        assertEquals("247472004", a.getReactionFirstRep().getManifestationFirstRep().getCodingFirstRep().getCode());
        assertEquals("moderate", a.getReactionFirstRep().getSeverity().toCode());
        assertEquals("2020-03-01", a.getOnsetDateTimeType().getValueAsString());
        assertEquals(a.getIdElement().getIdPart(), section(b, "Allergies and Adverse Reactions").getEntryFirstRep()
                .getReference().substring("urn:uuid:".length()));

        Condition cond = all(b, Condition.class).get(0);
        assertEquals("resolved", cond.getClinicalStatus().getCodingFirstRep().getCode());
        assertEquals("2023-03-16", cond.getAbatementDateTimeType().getValueAsString());
        assertEquals(2, cond.getCode().getCoding().size());
        assertEquals("problem-list-item", cond.getCategoryFirstRep().getCodingFirstRep().getCode());

        MedicationStatement ms = all(b, MedicationStatement.class).get(0);
        assertEquals("active", ms.getStatus().toCode());
        assertEquals("573621", ms.getMedicationCodeableConcept().getCodingFirstRep().getCode());
        assertEquals(6, ms.getDosageFirstRep().getTiming().getRepeat().getPeriod().intValue());
        assertEquals("h", ms.getDosageFirstRep().getTiming().getRepeat().getPeriodUnit().toCode());

        Immunization im = all(b, Immunization.class).get(0);
        assertEquals("completed", im.getStatus().toCode());
        assertEquals("140", im.getVaccineCode().getCodingFirstRep().getCode());
        assertEquals("FLU-2023-77", im.getLotNumber());
        assertEquals("2023-10-10", im.getOccurrenceDateTimeType().getValueAsString());

        DiagnosticReport dr = all(b, DiagnosticReport.class).get(0);
        assertEquals(2, dr.getResult().size());
        assertEquals("final", dr.getStatus().toCode());
        Observation hgb = (Observation) resolve(b, dr.getResultFirstRep());
        assertEquals("718-7", hgb.getCode().getCodingFirstRep().getCode());
        assertEquals("13.2", hgb.getValueQuantity().getValue().toPlainString());
        assertEquals("g/dL", hgb.getValueQuantity().getCode());
        assertEquals("http://unitsofmeasure.org", hgb.getValueQuantity().getSystem());
        assertEquals("12.0", hgb.getReferenceRangeFirstRep().getLow().getValue().toPlainString());
        assertEquals("N", hgb.getInterpretationFirstRep().getCodingFirstRep().getCode());
        assertEquals("laboratory", hgb.getCategoryFirstRep().getCodingFirstRep().getCode());

        Observation panel = observation(b, "85353-1");
        assertEquals(4, panel.getHasMember().size()); // height, weight, blood pressure, heart rate
        assertEquals(panel.getIdElement().getIdPart(),
                section(b, "Vital Signs").getEntryFirstRep().getReference().substring("urn:uuid:".length()));
        Observation bp = observation(b, "85354-9");
        assertTrue(panel.getHasMember().stream().anyMatch(r -> resolve(b, r) == bp));
        assertEquals("8480-6", bp.getComponent().get(0).getCode().getCodingFirstRep().getCode());
        assertEquals(132, bp.getComponent().get(0).getValueQuantity().getValue().intValue());
        assertEquals("mm[Hg]", bp.getComponent().get(0).getValueQuantity().getCode());
        assertEquals("8462-4", bp.getComponent().get(1).getCode().getCodingFirstRep().getCode());
        assertEquals(86, bp.getComponent().get(1).getValueQuantity().getValue().intValue());
        assertEquals("vital-signs", bp.getCategoryFirstRep().getCodingFirstRep().getCode());
        assertEquals("/min", observation(b, "8867-4").getValueQuantity().getCode());

        assertEquals("completed", all(b, Procedure.class).get(0).getStatus().toCode());
        Encounter enc = all(b, Encounter.class).get(0);
        assertEquals("AMB", enc.getClass_().getCode());
        assertEquals("finished", enc.getStatus().toCode());
        assertEquals("2024-01-15T09:30:00-05:00", enc.getPeriod().getStartElement().getValueAsString());
        Observation smoking = observation(b, "72166-2");
        assertEquals("social-history", smoking.getCategoryFirstRep().getCodingFirstRep().getCode());
        assertEquals("8517006", smoking.getValueCodeableConcept().getCodingFirstRep().getCode());
    }

    @Test
    void messyDocumentStillGivesAValidBundle() throws IOException {
        Bundle b = convertValid("ccd-messy.xml");
        assertStructure(b);
        Composition c = composition(b);
        assertEquals("Summarization of Episode Note", c.getTitle()); // no <title>: code display
        assertEquals("2024-03-02", c.getDateElement().getValueAsString()); // time without zone: day precision
        assertEquals("R", c.getConfidentiality().toCode());
        // no author: the custodian organisation stands in
        assertEquals(c.getCustodian().getReference(), c.getAuthorFirstRep().getReference());

        Patient p = all(b, Patient.class).get(0);
        assertEquals(1, p.getIdentifier().size());
        assertEquals("other", p.getGender().toCode());
        assertEquals("1962", p.getBirthDateElement().getValueAsString());
        assertTrue(p.getDeceasedBooleanType().booleanValue());
        assertFalse(p.hasAddress());
        assertFalse(p.hasMaritalStatus());

        assertEquals("Problem list - Reported", c.getSection().get(1).getTitle()); // untitled section
        List<Condition> conditions = all(b, Condition.class);
        assertEquals(2, conditions.size());
        assertEquals("Chest pain", conditions.get(0).getCode().getText());
        assertFalse(conditions.get(0).hasOnset());
        assertFalse(conditions.get(1).hasCode());
        assertFalse(conditions.get(1).hasOnset()); // month 13: invalid date omitted

        assertEquals("716186003", all(b, AllergyIntolerance.class).get(0).getCode().getCodingFirstRep().getCode());

        Composition.SectionComponent meds = section(b, "Medications");
        assertFalse(meds.hasEntry());
        assertEquals("unavailable", meds.getEmptyReason().getCodingFirstRep().getCode());
        assertEquals("nilknown", section(b, "Social History").getEmptyReason().getCodingFirstRep().getCode());
        Composition.SectionComponent notes = section(b, "Clinician Notes");
        assertFalse(notes.hasEntry());
        assertTrue(notes.getText().getDivAsString().contains("Feeling better"), notes.getText().getDivAsString());
        assertTrue(notes.getText().getDivAsString().contains("<table>"));
        assertEquals("Section", c.getSection().get(c.getSection().size() - 1).getTitle());

        Immunization im = all(b, Immunization.class).get(0);
        assertEquals("not-done", im.getStatus().toCode());
        assertEquals("PATOBJ", im.getStatusReason().getCodingFirstRep().getCode());
        assertEquals("unknown", im.getOccurrenceStringType().getValue());

        Observation glucose = observation(b, "2345-7");
        assertFalse(glucose.hasValue());
        assertEquals("temp-unknown", glucose.getDataAbsentReason().getCodingFirstRep().getCode());
        assertEquals("2024-03-01", glucose.getEffectiveDateTimeType().getValueAsString());
        assertEquals("preliminary", glucose.getStatus().toCode());
        assertEquals("straw", observation(b, "5778-6").getValueStringType().getValue());
        Observation tablets = all(b, Observation.class).stream()
                .filter(o -> "Tablets counted".equals(o.getCode().getText())).findFirst().orElseThrow();
        assertEquals("tablets", tablets.getValueQuantity().getUnit());
        assertFalse(tablets.getValueQuantity().hasSystem()); // not UCUM

        Observation heartRate = observation(b, "8867-4");
        // no time on the observation nor the organizer: the document's time (day precision: it had no zone)
        assertEquals("2024-03-02", heartRate.getEffectiveDateTimeType().getValueAsString());
        Observation loneSystolic = observation(b, "85354-9"); // bp profile: both components, diastolic absent
        assertEquals(141, loneSystolic.getComponent().get(0).getValueQuantity().getValue().intValue());
        assertTrue(loneSystolic.getComponent().get(1).hasDataAbsentReason());
        assertEquals("2024-03-02", loneSystolic.getEffectiveDateTimeType().getValueAsString()); // "2024" is too coarse // year precision: vs-1 → absent
        assertEquals("unknown", observation(b, "8310-5").getDataAbsentReason().getCodingFirstRep().getCode());

        assertEquals("stopped", all(b, Procedure.class).get(0).getStatus().toCode());
        Encounter enc = all(b, Encounter.class).get(0);
        assertEquals("AMB", enc.getClass_().getCode());
        assertFalse(enc.hasPeriod());
    }

    @Test
    void referralNoteIsConvertedToo() throws IOException {
        Bundle b = convertValid("referral-note.xml");
        assertStructure(b);
        Composition c = composition(b);
        assertEquals("57133-1", c.getType().getCodingFirstRep().getCode());
        assertEquals("Referral note", c.getTitle());
        assertEquals(2, c.getAuthor().size());
        assertEquals("Device", resolve(b, c.getAuthor().get(0)).fhirType());
        assertEquals("Practitioner", resolve(b, c.getAuthor().get(1)).fhirType());
        assertEquals(1, all(b, org.hl7.fhir.r4.model.Organization.class).size()); // de-duplicated by id
        Patient p = all(b, Patient.class).get(0);
        assertEquals("https://fhir.nhs.uk/Id/nhs-number", p.getIdentifierFirstRep().getSystem());
        assertEquals("1988-06", p.getBirthDateElement().getValueAsString());
        assertFalse(p.getDeceasedBooleanType().booleanValue());
        Composition.SectionComponent reason = section(b, "Reason for Referral");
        assertFalse(reason.hasEntry());
        assertTrue(reason.getText().getDivAsString().contains("arthroscopy"));
        AllergyIntolerance a = all(b, AllergyIntolerance.class).get(0);
        assertEquals("high", a.getCriticality().toCode());
        assertEquals("food", a.getCategory().get(0).getValue().toCode());
        assertEquals("severe", a.getReactionFirstRep().getSeverity().toCode());
        assertEquals("1995", a.getOnsetDateTimeType().getValueAsString());
        assertEquals("active", all(b, Condition.class).get(0).getClinicalStatus().getCodingFirstRep().getCode());
    }

    @Test
    void largeDocument() throws IOException {
        Bundle b = convertValid("ccd-large.xml");
        assertStructure(b);
        Map<String, Integer> counts = counts(b);
        assertEquals(25, counts.get("DiagnosticReport"));
        // lab: 2 + 24*3; vitals: 5 (median) + 24*(panel + BP + HR + RR + temp); smoking: 1
        assertEquals(2 + 72 + 5 + 24 * 5 + 1, counts.get("Observation"));
        assertEquals(25, section(b, "Results").getEntry().size());
        assertEquals(25, section(b, "Vital Signs").getEntry().size());
    }

    @Test
    void smallDocument() throws IOException {
        Bundle b = convertValid("ccd-small.xml");
        assertStructure(b);
        assertEquals(3, composition(b).getSection().size());
    }

    @Test
    void conversionIsDeterministic() throws IOException {
        for (String name : List.of("ccd-median.xml", "ccd-messy.xml", "referral-note.xml", "ccd-large.xml")) {
            byte[] xml = resource(name);
            String first = CTX.newJsonParser().encodeResourceToString(converter.convert(xml));
            String second = CTX.newJsonParser().encodeResourceToString(new CcdaToFhirConverter(CTX).convert(xml));
            assertEquals(first, second, name);
            assertFalse(first.contains("\"lastUpdated\""));
        }
    }

    @Test
    void everyResourceIsValidOnItsOwn() throws IOException {
        for (String name : List.of("ccd-median.xml", "ccd-messy.xml", "referral-note.xml")) {
            Bundle b = converter.convert(resource(name));
            for (Bundle.BundleEntryComponent e : b.getEntry()) {
                assertEquals(List.of(), validator.errors(e.getResource()), name + " " + e.getResource().fhirType());
            }
        }
    }

    @Test
    void validatorEnforcesTheVitalSignsProfile() throws IOException {
        // The converter no longer emits a heart rate in /h (see CcdaMessyInputTest), so the Bundle is altered after
        // conversion to show that the validator applies the implied heartrate profile.
        Bundle b = converter.convert(resource("ccd-median.xml"));
        observation(b, "8867-4").getValueQuantity().setUnit("/h").setCode("/h");
        List<String> errors = validator.errors(b);
        assertFalse(errors.isEmpty());
        assertTrue(errors.stream().anyMatch(e -> e.contains("/h")), String.join("\n", errors));
    }

    @Test
    void refusesWhatIsNotAClinicalDocument() {
        CcdaConversionException e = assertThrows(CcdaConversionException.class,
                () -> converter.convert("Eve Everywoman, DOB 1975-05-01 <<<".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("not well-formed XML"), e.getMessage());
        assertFalse(e.getMessage().contains("Everywoman"));

        e = assertThrows(CcdaConversionException.class, () -> converter.convert(
                "<Patient xmlns=\"http://hl7.org/fhir\"><name value=\"Eve\"/></Patient>".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("not a ClinicalDocument"), e.getMessage());

        e = assertThrows(CcdaConversionException.class,
                () -> converter.convert("<ClinicalDocument/>".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("urn:hl7-org:v3"), e.getMessage());

        e = assertThrows(CcdaConversionException.class, () -> converter.convert(
                "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"1.2.3\"/></ClinicalDocument>"
                        .getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("recordTarget"), e.getMessage());

        e = assertThrows(CcdaConversionException.class, () -> converter.convert(new byte[0]));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void refusesDoctypesSoNoExternalEntityIsRead() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>&x;</title></ClinicalDocument>";
        CcdaConversionException e = assertThrows(CcdaConversionException.class,
                () -> converter.convert(xxe.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
        assertFalse(e.getMessage().contains("root:"));
    }
}
