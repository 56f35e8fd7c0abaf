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

    @Test
    void medianCcdMapsEverySection() throws IOException {
        Bundle b = convertValid("ccd-median.xml");
        assertStructure(b);
        System.out.println(counts(b));
        System.out.println(CTX.newJsonParser().setPrettyPrint(true).encodeResourceToString(b));
    }
}
