package health.caravan.transformations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import health.caravan.support.Fixtures;

/** Every observation-set fixture becomes both CDA variants, and every document validates against the CDA R2 SDTC schema. */
class CdaDocumentBuilderTest {

    private static final CdaSchemaValidator SCHEMA = new CdaSchemaValidator();
    private static final Instant NOW = Instant.parse("2019-01-07T12:33:46.785Z");

    static Stream<String> requests() throws Exception {
        return Fixtures.resourceNames("fixtures/polaris/oru").stream().filter(n -> n.endsWith(".request.json")).sorted();
    }

    private static CdaDocumentBuilder builder() throws Exception {
        return new CdaDocumentBuilder(Path.of("transformations/cda"),
                new CdaDocumentBuilder.Settings("2.16.840.1.113883.3.9999", "RTH", "Oxford University Hospitals", "US", "en-US"),
                ZoneOffset.UTC);
    }

    private static JsonNode data(String request) throws Exception {
        return Fixtures.JSON.readTree(Fixtures.resource("fixtures/polaris/oru/" + request)).get("actions").get(0).get("data");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void bothVariantsAreSchemaValid(String request) throws Exception {
        for (String variant : List.of(CdaDocumentBuilder.VITAL_SIGNS, CdaDocumentBuilder.NEWS2_CHART)) {
            String xml = builder().build(variant, data(request), "\\\\server\\send\\chart.pdf", NOW);
            assertEquals(List.of(), SCHEMA.validate(xml), variant + "\n" + xml);
        }
    }

    @Test
    void vitalSignsAreLoincCodedWithANarrativeTable() throws Exception {
        String xml = builder().build(CdaDocumentBuilder.VITAL_SIGNS, data("news2_full_room-air_dob.request.json"), null, NOW);
        assertTrue(xml.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), xml.substring(0, 60));
        assertTrue(xml.contains("<templateId root=\"2.16.840.1.113883.10.20.22.2.4.1\" extension=\"2015-08-01\"/>"));
        assertTrue(xml.contains("code=\"9279-1\""), "respiratory rate (LOINC)");
        assertTrue(xml.contains("<value xsi:type=\"PQ\" value=\"10\" unit=\"/min\"/>"));
        assertTrue(xml.contains("<td>patient refused</td>"), "refused heart rate in the narrative");
        assertTrue(xml.contains("<value xsi:type=\"INT\" value=\"2\"/>"), "NEWS2 total score");
        assertTrue(xml.contains("<given>Ugi</given><family>Maroon</family>"));
        assertTrue(xml.contains("extension=\"2222222222\""), "NHS number");
        assertTrue(xml.contains("<birthTime value=\"20021123\"/>"));
    }

    @Test
    void news2ChartPointsAtThePdf() throws Exception {
        String xml = builder().build(CdaDocumentBuilder.NEWS2_CHART, data("news2_full_room-air_dob.request.json"),
                "\\\\server\\send\\chart & notes.pdf", NOW);
        assertTrue(xml.contains("<text mediaType=\"application/pdf\" representation=\"TXT\">\\\\server\\send\\chart &amp; notes.pdf</text>"));
        assertTrue(xml.contains("displayName=\"NEWS2 Chart\""));
        assertFalse(xml.contains("structuredBody"));
    }

    @Test
    void schemaRejectsBrokenDocumentsAndDoctypes() {
        assertFalse(SCHEMA.validate("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>x</title></ClinicalDocument>").isEmpty());
        assertFalse(SCHEMA.validate("not xml").isEmpty());
        assertEquals("cvc-pattern-valid at 12:34", CdaSchemaValidator.summary(
                "12:34 cvc-pattern-valid: Value '0101 SMITH' is not facet-valid with respect to pattern '[^\\s]+' for type 'cs'."));
        assertEquals("cvc-complex-type.2.4.a at 1:45", CdaSchemaValidator.summary(
                "1:45 cvc-complex-type.2.4.a: Invalid content was found starting with element 'title'."));
        assertEquals("not well-formed XML at 3:7", CdaSchemaValidator.summary(
                "3:7 The element type \"given\" must be terminated by the matching end-tag \"</given>\"."));
        String notXml = SCHEMA.validate("not xml").get(0);
        assertFalse(CdaSchemaValidator.summary(notXml).contains("not xml"), CdaSchemaValidator.summary(notXml));
        assertFalse(SCHEMA.validate("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">&e;</ClinicalDocument>").isEmpty());
    }
}
