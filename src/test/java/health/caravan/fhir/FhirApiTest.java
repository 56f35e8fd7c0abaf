package health.caravan.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;
import health.caravan.transformations.fhir.FhirResourceValidator;

/** The FHIR endpoints over HTTP: CapabilityStatement, $convert-ccda (JSON and XML, OperationOutcome errors, scopes), /api/convert. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FhirApiTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    TestCaravan caravan;
    HttpClient client = HttpClient.newHttpClient();
    byte[] ccd;

    @BeforeAll
    void start() throws Exception {
        caravan = TestCaravan.startOnPostgres();
        try (InputStream in = FhirApiTest.class.getResourceAsStream("/ccda/ccd-median.xml")) {
            ccd = in.readAllBytes();
        }
    }

    @AfterAll
    void stop() throws Exception {
        caravan.close();
    }

    HttpResponse<String> post(String path, String token, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caravan.httpPort + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caravan.httpPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void capabilityStatementWithoutAuth() throws Exception {
        HttpResponse<String> json = get("/fhir/metadata");
        assertEquals(200, json.statusCode());
        assertTrue(json.headers().firstValue("Content-Type").orElse("").startsWith("application/fhir+json"));
        assertEquals("CapabilityStatement", new ObjectMapper().readTree(json.body()).get("resourceType").asText());
        HttpResponse<String> xml = get("/fhir/metadata?_format=xml");
        assertTrue(xml.body().startsWith("<CapabilityStatement xmlns=\"http://hl7.org/fhir\">"), xml.body());
        assertEquals(400, get("/fhir/metadata?_format=yaml").statusCode());
        JsonNode patient = new ObjectMapper().readTree(json.body()).at("/rest/0/resource/0");
        assertEquals("Patient", patient.get("type").asText());
        assertEquals("[\"read\", \"vread\", \"history-instance\", \"search-type\"]",
                patient.get("interaction").findValues("code").toString());
        assertEquals("[\"_id\", \"_lastUpdated\", \"identifier\", \"family\", \"given\", \"name\", \"birthdate\", \"gender\", \"active\"]",
                patient.get("searchParam").findValues("name").toString());
    }

    HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caravan.httpPort + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void wrongMethodsAre405WithAllow() throws Exception {
        for (String method : List.of("DELETE", "POST", "PUT")) {
            HttpResponse<String> r = send(method, "/fhir/metadata");
            assertEquals(405, r.statusCode(), method + " " + r.body());
            assertEquals("GET, OPTIONS", r.headers().firstValue("Allow").orElse(""));
            assertEquals("not-supported", FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body())
                    .getIssueFirstRep().getCode().toCode());
        }
        for (String method : List.of("GET", "DELETE")) {
            HttpResponse<String> r = send(method, "/fhir/$convert-ccda");
            assertEquals(405, r.statusCode(), method + " " + r.body());
            assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
            FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body());
        }
    }

    @Test
    void capabilityStatementDescribesSearchAndTheOperationResolves() throws Exception {
        CapabilityStatement cs = FHIR.newJsonParser().parseResource(CapabilityStatement.class, get("/fhir/metadata").body());
        CapabilityStatement.CapabilityStatementRestResourceComponent encounter = cs.getRestFirstRep().getResource().get(1);
        assertEquals("Encounter", encounter.getType());
        assertEquals(List.of("Encounter:patient", "Encounter:subject", "Encounter:location"),
                encounter.getSearchInclude().stream().map(x -> x.getValue()).toList());
        assertEquals(List.of("Encounter:patient", "Encounter:subject"),
                cs.getRestFirstRep().getResource().get(0).getSearchRevInclude().stream().map(x -> x.getValue()).toList());
        String definition = cs.getRestFirstRep().getOperationFirstRep().getDefinition();
        assertTrue(definition.endsWith("/fhir/OperationDefinition/convert-ccda"), definition);
        assertTrue(definition.startsWith("http://127.0.0.1:" + caravan.httpPort + "/fhir/"), definition);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(definition)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        OperationDefinition od = FHIR.newJsonParser().parseResource(OperationDefinition.class, r.body());
        assertEquals(definition, od.getUrl());
        assertEquals("convert-ccda", od.getCode());
        assertEquals(FhirApi.DOCUMENT_PARAMETER, od.getParameterFirstRep().getName());
        assertEquals(404, get("/fhir/OperationDefinition/other").statusCode());
    }

    @Test
    void convertsThroughTheOperationApiWithParameters() throws Exception {
        String raw = post("/fhir/$convert-ccda", Tokens.internal("system/Bundle.write"), "application/xml", ccd).body();
        List<Parameters> variants = List.of(
                params(new StringType(new String(ccd, java.nio.charset.StandardCharsets.UTF_8))),
                params(new Base64BinaryType(ccd)));
        for (Parameters p : variants) {
            HttpResponse<String> r = post("/fhir/$convert-ccda", Tokens.internal("system/Bundle.write"), "application/fhir+json",
                    FHIR.newJsonParser().encodeResourceToString(p).getBytes());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(raw, r.body());
        }
        Parameters binary = new Parameters();
        binary.addParameter().setName("document").setResource(new Binary().setContentType("application/xml").setData(ccd));
        HttpResponse<String> xml = post("/fhir/$convert-ccda", Tokens.internal("system/Bundle.write"), "application/fhir+xml",
                FHIR.newXmlParser().encodeResourceToString(binary).getBytes());
        assertEquals(raw, xml.body());

        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient hapi = FHIR.newRestfulGenericClient("http://127.0.0.1:" + caravan.httpPort + "/fhir");
        hapi.registerInterceptor(new BearerTokenAuthInterceptor(Tokens.internal("system/Bundle.write")));
        Bundle bundle = hapi.operation().onServer().named("$convert-ccda").withParameters(binary)
                .returnResourceType(Bundle.class).execute();
        assertEquals(Bundle.BundleType.DOCUMENT, bundle.getType());

        Parameters wrong = new Parameters();
        wrong.addParameter().setName("ccda").setValue(new StringType("x"));
        HttpResponse<String> missing = post("/fhir/$convert-ccda", Tokens.internal("system/Bundle.write"), "application/fhir+json",
                FHIR.newJsonParser().encodeResourceToString(wrong).getBytes());
        assertEquals(400, missing.statusCode());
        assertTrue(FHIR.newJsonParser().parseResource(OperationOutcome.class, missing.body()).getIssueFirstRep()
                .getDiagnostics().contains("'document'"));
        assertEquals(400, post("/fhir/$convert-ccda", Tokens.internal("system/Bundle.write"), "application/fhir+json",
                "{\"resourceType\":\"Patient\"}".getBytes()).statusCode());
    }

    static Parameters params(org.hl7.fhir.r4.model.Type value) {
        Parameters p = new Parameters();
        p.addParameter().setName("document").setValue(value);
        return p;
    }

    @Test
    void convertsACcdToAValidDocumentBundle() throws Exception {
        HttpResponse<String> r = post("/fhir/$convert-ccda", Tokens.internal("system/Bundle.write"), "application/xml", ccd);
        assertEquals(200, r.statusCode(), r.body());
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, r.body());
        assertEquals(Bundle.BundleType.DOCUMENT, bundle.getType());
        assertEquals("Composition", bundle.getEntryFirstRep().getResource().fhirType());
        assertEquals(java.util.List.of(), new FhirResourceValidator(FHIR).errors(bundle));
        HttpResponse<String> again = post("/fhir/$convert-ccda", Tokens.internal("system/*.write"), "application/xml", ccd);
        assertEquals(r.body(), again.body(), "deterministic");
        HttpResponse<String> xml = post("/fhir/$convert-ccda?_format=xml", Tokens.internal("system/Bundle.write"), "application/xml", ccd);
        assertTrue(xml.body().startsWith("<Bundle xmlns=\"http://hl7.org/fhir\">"));
    }

    @Test
    void errorsAreOperationOutcomes() throws Exception {
        HttpResponse<String> notXml = post("/fhir/$convert-ccda", Tokens.internal("system/Bundle.write"), "application/xml",
                "not xml at all".getBytes());
        assertEquals(400, notXml.statusCode());
        OperationOutcome oo = FHIR.newJsonParser().parseResource(OperationOutcome.class, notXml.body());
        assertEquals(OperationOutcome.IssueSeverity.ERROR, oo.getIssueFirstRep().getSeverity());
        assertEquals(400, post("/fhir/$convert-ccda", Tokens.internal("system/Bundle.write"), "application/xml",
                "<Patient xmlns=\"http://hl7.org/fhir\"/>".getBytes()).statusCode());
        HttpResponse<String> noToken = post("/fhir/$convert-ccda", null, "application/xml", ccd);
        assertEquals(401, noToken.statusCode());
        assertEquals("login", FHIR.newJsonParser().parseResource(OperationOutcome.class, noToken.body()).getIssueFirstRep().getCode().toCode());
        assertEquals(403, post("/fhir/$convert-ccda", Tokens.internal("read:hl7_message"), "application/xml", ccd).statusCode());
        assertEquals(415, post("/fhir/$convert-ccda", Tokens.internal("system/Bundle.write"), "text/plain", ccd).statusCode());
    }

    @Test
    void eprAdapterTokensCannotConvert() throws Exception {
        for (String scope : List.of("system/Bundle.write", "system/*.write")) {
            HttpResponse<String> r = post("/fhir/$convert-ccda", Tokens.epr(scope), "application/xml", ccd);
            assertEquals(403, r.statusCode(), scope);
            OperationOutcome oo = FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body());
            assertEquals("forbidden", oo.getIssueFirstRep().getCode().toCode());
            HttpResponse<String> legacy = post("/api/convert", Tokens.epr(scope), "application/xml", ccd);
            assertEquals(403, legacy.statusCode(), scope);
            assertEquals("FORBIDDEN", new ObjectMapper().readTree(legacy.body()).get("status").asText());
        }
    }

    @Test
    void cda2fhirServiceCompatibleEndpoint() throws Exception {
        HttpResponse<String> greeting = get("/api/convert");
        assertEquals("{\"message\":\"Welcome to the CDA to FHIR Conversion Service\"}", greeting.body());
        HttpResponse<String> r = post("/api/convert", Tokens.internal("system/Bundle.write"), "application/xml", ccd);
        assertEquals(200, r.statusCode());
        assertEquals("Bundle", new ObjectMapper().readTree(r.body()).get("resourceType").asText());
        HttpResponse<String> bad = post("/api/convert", Tokens.internal("system/Bundle.write"), "application/xml", "<x".getBytes());
        assertEquals(400, bad.statusCode());
        JsonNode err = new ObjectMapper().readTree(bad.body());
        assertEquals("BAD_REQUEST", err.get("status").asText());
        assertTrue(err.get("timestamp").asText().matches("\\d{2}-\\d{2}-\\d{4} \\d{2}:\\d{2}:\\d{2}"));
        assertEquals(415, post("/api/convert", Tokens.internal("system/Bundle.write"), "text/plain", ccd).statusCode());
    }
}
