package health.caravan.transformations.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ca.uhn.fhir.context.FhirContext;

/**
 * Vendor habits seen in the certified-EHR corpus ({@link CcdaVendorCorpusTest}), one small inline document each: the
 * converter repairs them, or keeps the raw value in a valid place, and the Bundle validates with 0 errors.
 */
class CcdaMessyInputTest {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static FhirResourceValidator validator;
    private static CcdaToFhirConverter converter;

    @BeforeAll
    static void setUp() {
        validator = new FhirResourceValidator(CTX);
        converter = new CcdaToFhirConverter(CTX);
    }

    /** A minimal C-CDA: the given document id, extra header elements and body sections. */
    private static String document(String documentId, String header, String sections) {
        return """
                <ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                  <templateId root="2.16.840.1.113883.10.20.22.1.1"/>
                  %s
                  <code code="34133-9" codeSystem="2.16.840.1.113883.6.1" displayName="Summarization of Episode Note"/>
                  <title>Test document</title>
                  <effectiveTime value="20240115103000-0500"/>
                  <recordTarget><patientRole>
                    <id root="2.16.840.1.113883.19.5.99999.2" extension="998991"/>
                    <patient><name><given>Eve</given><family>Everywoman</family></name>
                      <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/></patient>
                  </patientRole></recordTarget>
                  %s
                  <component><structuredBody>%s</structuredBody></component>
                </ClinicalDocument>
                """.formatted(documentId, header, sections);
    }

    private static String document(String header, String sections) {
        return document("<id root=\"2.16.840.1.113883.19.5.99999.1\" extension=\"DOC1\"/>", header, sections);
    }

    private static Bundle convertValid(String xml) {
        Bundle b = converter.convert(xml.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), validator.errors(b));
        return b;
    }

    private static <T> List<T> all(Bundle b, Class<T> type) {
        return b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance)
                .map(type::cast).toList();
    }

    private static Observation observation(Bundle b, String loinc) {
        return all(b, Observation.class).stream()
                .filter(o -> o.getCode().getCoding().stream().anyMatch(c -> loinc.equals(c.getCode())))
                .findFirst().orElseThrow(() -> new AssertionError("no Observation " + loinc));
    }

    private static String originalText(org.hl7.fhir.r4.model.Element e) {
        return e.getExtensionByUrl(CdaDataTypes.ORIGINAL_TEXT_URL).getValue().primitiveValue();
    }

    private static final String PROBLEMS = """
            <component><section>
              <templateId root="2.16.840.1.113883.10.20.22.2.5.1"/>
              <code code="11450-4" codeSystem="2.16.840.1.113883.6.1"/>
              <title>Problems</title>
              <text>Diabetes</text>
              <entry><act classCode="ACT" moodCode="EVN">
                <templateId root="2.16.840.1.113883.10.20.22.4.3"/>
                <id root="PRBRE00B805DC5-4F8F-471A-A3D7-6E97202FE064" extension="1"/>
                <code code="CONC" codeSystem="2.16.840.1.113883.5.6"/>
                <statusCode code="active"/>
                <entryRelationship typeCode="SUBJ"><observation classCode="OBS" moodCode="EVN">
                  <templateId root="2.16.840.1.113883.10.20.22.4.4"/>
                  <id root="probobs065BB4A8-89C6-463E-819C-DE81A368DADC" extension="2"/>
                  <code code="55607006" codeSystem="2.16.840.1.113883.6.96"/>
                  <statusCode code="completed"/>
                  <effectiveTime><low value="20200101"/></effectiveTime>
                  <value xsi:type="CD" code="250.00" codeSystem="ICD9" displayName="Diabetes mellitus">
                    <translation code="X1" codeSystem="LocalProblemList" displayName="Diabetes (local)"/>
                    <translation code="null" codeSystem="null" displayName="null"/>
                  </value>
                </observation></entryRelationship>
              </act></entry>
            </section></component>
            """;

    @Test
    void rootsAndCodeSystemsThatAreNoOidsGiveNoInvalidUris() {
        Bundle b = convertValid(document("<id root=\"ClinicalDocumentGUID\" extension=\"0d8a-77\"/>",
                "", PROBLEMS));
        // Bundle.identifier needs a system (bdl-9): the Composition's own urn:uuid; the raw id stays on the Composition
        assertEquals("urn:ietf:rfc:3986", b.getIdentifier().getSystem());
        assertEquals(b.getEntryFirstRep().getFullUrl(), b.getIdentifier().getValue());
        Identifier compositionId = ((Composition) b.getEntryFirstRep().getResource()).getIdentifier();
        assertFalse(compositionId.hasSystem() && compositionId.getSystemElement().hasValue());
        assertEquals("0d8a-77", compositionId.getValue());
        assertEquals("ClinicalDocumentGUID", originalText(compositionId.getSystemElement()));

        Condition c = all(b, Condition.class).get(0);
        Identifier id = c.getIdentifierFirstRep();
        assertNull(id.getSystemElement().getValue());
        assertEquals("2", id.getValue());
        assertEquals("probobs065BB4A8-89C6-463E-819C-DE81A368DADC", originalText(id.getSystemElement()));

        List<Coding> codings = c.getCode().getCoding();
        assertEquals(2, codings.size(), "the literal null translation is left out");
        assertEquals("http://hl7.org/fhir/sid/icd-9-cm", codings.get(0).getSystem()); // a known name → its URI
        assertEquals("250.00", codings.get(0).getCode());
        assertNull(codings.get(1).getSystemElement().getValue());                   // an unknown name → no system
        assertEquals("X1", codings.get(1).getCode());
        assertEquals("LocalProblemList", originalText(codings.get(1).getSystemElement()));
    }

    @Test
    void identifierRootsThatAreNoOidsKeepTheirValue() {
        Bundle b = convertValid(document("""
                <author><time value="20240115"/><assignedAuthor>
                  <id root="MMD" extension="72"/>
                  <assignedPerson><name><given>Henry</given><family>Seven</family></name></assignedPerson>
                </assignedAuthor></author>
                """, ""));
        Identifier id = all(b, org.hl7.fhir.r4.model.Practitioner.class).get(0).getIdentifierFirstRep();
        assertEquals("72", id.getValue());
        assertEquals("MMD", originalText(id.getSystemElement()));

        // valid forms are unchanged: OID, UUID (lower-cased), a root alone as urn:ietf:rfc:3986
        assertEquals("urn:oid:2.16.840.1.113883.19.5", CodeSystemUris.generic("2.16.840.1.113883.19.5"));
        assertEquals("urn:uuid:c3ac2777-2549-4cf6-acc8-bbb58ab70910",
                CodeSystemUris.generic("C3AC2777-2549-4CF6-ACC8-BBB58AB70910"));
        assertNull(CodeSystemUris.generic("1"));                      // one arc is no OID
        assertNull(CodeSystemUris.generic("2.16.840.01.1"));          // a leading zero
        assertNull(CodeSystemUris.generic("1eeb1e51-ee1d-1234-11xy-11z11ddb111z")); // not hex
        assertNull(CodeSystemUris.generic("urn:oid:CPT"));
        assertEquals("http://www.ama-assn.org/go/cpt", CodeSystemUris.codeSystem("CPT"));
        assertEquals("http://hl7.org/fhir/sid/mvx", CodeSystemUris.codeSystem("MVX"));
    }

    @Test
    void anAuthorsOrganizationIsReachableThroughAPractitionerRole() {
        Bundle b = convertValid(document("""
                <author><time value="20240115"/><assignedAuthor>
                  <id root="2.16.840.1.113883.4.6" extension="1234567893"/>
                  <assignedPerson><name><given>Henry</given><family>Seven</family></name></assignedPerson>
                  <representedOrganization><id root="authorsOrganizationRoot" extension="9"/><name>Good Health Clinic</name></representedOrganization>
                </assignedAuthor></author>
                """, ""));
        PractitionerRole role = all(b, PractitionerRole.class).get(0);
        Composition c = (Composition) b.getEntryFirstRep().getResource();
        assertEquals(c.getAuthorFirstRep().getReference(), role.getPractitioner().getReference());
        Organization org = all(b, Organization.class).get(0);
        assertEquals("urn:uuid:" + org.getIdElement().getIdPart(), role.getOrganization().getReference());
        assertEquals("Good Health Clinic", org.getName());
    }

    @Test
    void listsHoldOnlyItemsAndKeepTheirCaptionAndStrayText() {
        Bundle b = convertValid(document("", """
                <component><section>
                  <code code="10164-2" codeSystem="2.16.840.1.113883.6.1"/>
                  <title>History of present illness</title>
                  <text><list><caption>Complaints</caption><item>Cough</item><content>Fever since Monday</content>
                    loose words<list><item>nested</item></list></list></text>
                </section></component>
                """));
        Composition.SectionComponent s = ((Composition) b.getEntryFirstRep().getResource()).getSectionFirstRep();
        XhtmlNode div = s.getText().getDiv();
        XhtmlNode ul = div.getChildNodes().stream().filter(n -> "ul".equals(n.getName())).findFirst().orElseThrow();
        assertTrue(ul.getChildNodes().stream().allMatch(n -> "li".equals(n.getName())), ul.allText());
        String html = new org.hl7.fhir.utilities.xhtml.XhtmlComposer(true).compose(div);
        for (String text : List.of("Complaints", "Cough", "Fever since Monday", "loose words", "nested")) {
            assertTrue(html.contains(text), text + " in " + html);
        }
        assertTrue(html.indexOf("Complaints") < html.indexOf("<ul"), html);
    }

    private static String vital(String code, String value) {
        return """
                <component><observation classCode="OBS" moodCode="EVN">
                  <templateId root="2.16.840.1.113883.10.20.22.4.27"/>
                  <code code="%s" codeSystem="2.16.840.1.113883.6.1"/>
                  <statusCode code="completed"/><effectiveTime value="20240115"/>
                  %s
                </observation></component>
                """.formatted(code, value);
    }

    @Test
    void vitalSignsMeetTheirImpliedProfilesWithoutInventedData() {
        Bundle b = convertValid(document("", """
                <component><section>
                  <templateId root="2.16.840.1.113883.10.20.22.2.4.1"/>
                  <code code="8716-3" codeSystem="2.16.840.1.113883.6.1"/>
                  <title>Vital Signs</title>
                  <text>vitals</text>
                  <entry><organizer classCode="CLUSTER" moodCode="EVN">
                    <templateId root="2.16.840.1.113883.10.20.22.4.26"/>
                    <code code="46680005" codeSystem="2.16.840.1.113883.6.96"/>
                    <statusCode code="completed"/><effectiveTime value="20240115"/>
                """ + vital("59408-5", "<value xsi:type=\"PQ\" value=\"97\" unit=\"%\"/>")
                + vital("3141-9", "<value xsi:type=\"PQ\" value=\"86\" unit=\"kg\"/>")
                + vital("39156-5", "<value xsi:type=\"PQ\" value=\"27.4\"/>")
                + vital("8310-5", "<value xsi:type=\"PQ\" value=\"38.0\" unit=\"cel\"/>")
                + vital("8331-1", "<value xsi:type=\"PQ\" value=\"99.0\" unit=\"DEG\"/>")
                + vital("8332-9", "<value xsi:type=\"PQ\" value=\"60\" unit=\"DEG\"/>")
                + vital("8867-4", "<value xsi:type=\"PQ\" value=\"72\" unit=\"/h\"/>")
                + """
                  </organizer></entry>
                </section></component>
                """));
        Observation spo2 = observation(b, "59408-5");
        assertEquals(List.of("59408-5", "2708-6"), spo2.getCode().getCoding().stream().map(Coding::getCode).toList());
        assertEquals(List.of("3141-9", "29463-7"),
                observation(b, "3141-9").getCode().getCoding().stream().map(Coding::getCode).toList());
        assertEquals("kg/m2", observation(b, "39156-5").getValueQuantity().getCode()); // a BMI has one unit
        assertEquals("Cel", observation(b, "8310-5").getValueQuantity().getCode());
        assertEquals("cel", observation(b, "8310-5").getValueQuantity().getUnit());   // the source's text kept
        assertEquals("[degF]", observation(b, "8331-1").getValueQuantity().getCode()); // 99 degrees: Fahrenheit
        // 60 "degrees" is no body temperature on either scale, and 72 /h is no heart rate: not relabelled, kept as text
        for (String code : List.of("8332-9", "8867-4")) {
            Observation o = observation(b, code);
            assertFalse(o.hasValue(), code);
            assertEquals("unsupported", o.getDataAbsentReason().getCodingFirstRep().getCode());
            assertTrue(o.getNoteFirstRep().getText().startsWith("Recorded as: "), code);
        }
        assertEquals("Recorded as: 72 /h", observation(b, "8867-4").getNoteFirstRep().getText());
    }

    @Test
    void interpretationCodesOutsideTheirCodeSystemBecomeText() {
        Bundle b = convertValid(document("", """
                <component><section>
                  <templateId root="2.16.840.1.113883.10.20.22.2.3.1"/>
                  <code code="30954-2" codeSystem="2.16.840.1.113883.6.1"/>
                  <title>Results</title>
                  <text>results</text>
                  <entry><organizer classCode="BATTERY" moodCode="EVN">
                    <templateId root="2.16.840.1.113883.10.20.22.4.1"/>
                    <code code="24357-6" codeSystem="2.16.840.1.113883.6.1" displayName="Urinalysis"/>
                    <statusCode code="completed"/><effectiveTime value="20240115"/>
                    <component><observation classCode="OBS" moodCode="EVN">
                      <templateId root="2.16.840.1.113883.10.20.22.4.2"/>
                      <code code="5803-2" codeSystem="2.16.840.1.113883.6.1" displayName="pH of Urine"/>
                      <statusCode code="completed"/><effectiveTime value="20240115"/>
                      <value xsi:type="PQ" value="6.0" unit="[pH]"/>
                      <interpretationCode code="TEST" codeSystem="2.16.840.1.113883.5.83"/>
                      <interpretationCode code="H" codeSystem="2.16.840.1.113883.5.83"/>
                    </observation></component>
                  </organizer></entry>
                </section></component>
                """));
        Observation o = observation(b, "5803-2");
        assertEquals(2, o.getInterpretation().size());
        assertFalse(o.getInterpretation().get(0).hasCoding());
        assertEquals("TEST", o.getInterpretation().get(0).getText());
        assertEquals("H", o.getInterpretation().get(1).getCodingFirstRep().getCode());
    }

    @Test
    void aPeriodWhoseEndPrecedesItsStartKeepsTheStartAndTheRawEnd() {
        Bundle b = convertValid(document("""
                <documentationOf><serviceEvent classCode="PCPR"><effectiveTime>
                  <low value="20150610"/><high value="20150601"/></effectiveTime></serviceEvent></documentationOf>
                <documentationOf><serviceEvent classCode="PCPR"><effectiveTime>
                  <low value="201506101000-0500"/><high value="20150610"/></effectiveTime></serviceEvent></documentationOf>
                """, ""));
        Composition c = (Composition) b.getEntryFirstRep().getResource();
        Period inverted = c.getEvent().get(0).getPeriod();
        assertEquals("2015-06-10", inverted.getStartElement().getValueAsString());
        assertNull(inverted.getEndElement().getValue());
        assertEquals("20150601", originalText(inverted.getEndElement()));
        // per-1 as the validator reads it: a day-precision end on the start's day precedes a start with a time
        Period sameDay = c.getEvent().get(1).getPeriod();
        assertNull(sameDay.getEndElement().getValue());
        assertEquals("20150610", originalText(sameDay.getEndElement()));
    }

    @Test
    void organizationTelecomsWithoutValueOrWithHomeUse() {
        Bundle b = convertValid(document("""
                <custodian><assignedCustodian><representedCustodianOrganization>
                  <id root="2.16.840.1.113883.19.5.9999.1393"/>
                  <name>Community Health</name>
                  <telecom use="WP"/>
                  <telecom nullFlavor="UNK"/>
                  <telecom value="tel:"/>
                  <telecom use="HP" value="tel:+1(555)555-1002"/>
                  <addr use="HP"><city>Beaverton</city></addr>
                </representedCustodianOrganization></assignedCustodian></custodian>
                """, ""));
        Organization org = all(b, Organization.class).get(0);
        assertEquals(1, org.getTelecom().size());
        ContactPoint tel = org.getTelecomFirstRep();
        assertEquals("+1(555)555-1002", tel.getValue());
        assertFalse(tel.hasUse(), "org-3: an organization's telecom is never home");
        assertFalse(org.getAddressFirstRep().hasUse(), "org-2");
        assertEquals("Beaverton", org.getAddressFirstRep().getCity());
        assertNotNull(all(b, Patient.class).get(0));
    }
}
