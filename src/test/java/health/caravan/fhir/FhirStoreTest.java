package health.caravan.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.SearchStyleEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import health.caravan.support.Ack;
import health.caravan.support.MllpClient;
import health.caravan.support.RecordingFhirServer;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;
import health.caravan.transformations.fhir.FhirResourceValidator;

/**
 * ADT → FHIR end to end on PostgreSQL: messages over MLLP become versioned Patient, Encounter and Location
 * resources in Caravan's FHIR store, readable and searchable under /fhir (JSON and XML, paging,
 * OperationOutcome errors, scopes), and are pushed as transaction Bundles of conditional updates to an
 * external FHIR server (a HAPI RestfulServer) — retried while it fails, dead-lettered when it refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FhirStoreTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final String MRN = "urn:caravan:mrn";
    static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    final HttpClient client = HttpClient.newHttpClient();
    final String reader = Tokens.internal("system/*.read");
    RecordingFhirServer server;
    TestCaravan caravan;
    MllpClient mllp;
    int controlId;

    @BeforeAll
    void start() throws Exception {
        TestCaravan.truncatePostgres();
        server = new RecordingFhirServer();
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.fhir.server-url", server.baseUrl());
        o.put("caravan.fhir.projection-poll-ms", "100");
        o.put("caravan.fhir.push-poll-ms", "100");
        o.put("caravan.fhir.push-base-backoff-ms", "100");
        o.put("caravan.fhir.push-max-backoff-ms", "300");
        caravan = TestCaravan.start(o);
        mllp = caravan.mllp();
    }

    @AfterAll
    void stop() throws Exception {
        mllp.close();
        caravan.close();
        server.close();
    }

    // ---- messages ----

    String send(String trigger, String pid, String pv1, String extra) throws Exception {
        String id = "FHIR-" + (++controlId);
        String msg = "MSH|^~\\&|PAS|RTH|CARAVAN|RTH|20240301101500||ADT^" + trigger + "|" + id + "|P|2.4\r"
                + "EVN|" + trigger + "|20240301101500\r" + pid + "\r" + (pv1 == null ? "" : pv1 + "\r")
                + (extra == null ? "" : extra + "\r");
        String ack = mllp.send(msg);
        assertEquals("AA", new Ack(ack).code(), ack);
        return id;
    }

    static String pid(String mrn, String nhs, String family, String given, String dob, String sex) {
        return "PID|1||" + mrn + "^^^RTH^MRN" + (nhs == null ? "" : "~" + nhs + "^^^NHS^NHSNMBR") + "||"
                + family + "^" + given + "||" + dob + "|" + sex;
    }

    static String pv1(String cls, String location, String previous, String visit, String admit, String discharge) {
        String[] f = new String[46];
        java.util.Arrays.fill(f, "");
        f[0] = "PV1";
        f[1] = "1";
        f[2] = cls;
        f[3] = location;
        f[6] = previous == null ? "" : previous;
        f[19] = visit;
        f[44] = admit == null ? "" : admit;
        f[45] = discharge == null ? "" : discharge;
        return String.join("|", f);
    }

    // ---- HTTP ----

    HttpResponse<String> get(String path, String token, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caravan.httpPort + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    <T extends Resource> T read(String path, Class<T> type) throws Exception {
        HttpResponse<String> r = get(path, reader, null);
        assertEquals(200, r.statusCode(), r.body());
        return FHIR.newJsonParser().parseResource(type, r.body());
    }

    Bundle search(String query) throws Exception {
        return read("/fhir/" + query, Bundle.class);
    }

    OperationOutcome error(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/fhir+json"), r.headers().toString());
        OperationOutcome o = FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body());
        assertEquals(OperationOutcome.IssueSeverity.ERROR, o.getIssueFirstRep().getSeverity());
        return o;
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static <T> T await(String what, Callable<T> probe) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            T value = probe.call();
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    Bundle awaitSearch(String query, int total) throws Exception {
        return await(query + " to find " + total, () -> {
            Bundle b = search(query);
            return b.getTotal() == total ? b : null;
        });
    }

    Patient patientByMrn(String mrn) throws Exception {
        return (Patient) awaitSearch("Patient?identifier=" + q(MRN + "|" + mrn), 1).getEntryFirstRep().getResource();
    }

    // ---- tests ----

    @Test
    @Order(1)
    void admissionBecomesPatientEncounterAndLocations() throws Exception {
        send("A01", pid("1001", "9434765919", "SMITH", "JANE", "19800214", "F"),
                pv1("I", "WARD1^BAY1^BED1", null, "V1001", "20240301100000", null), null);
        Patient patient = patientByMrn("1001");
        assertEquals("1", patient.getMeta().getVersionId());
        assertEquals("SMITH", patient.getNameFirstRep().getFamily());
        assertEquals("1980-02-14", patient.getBirthDateElement().getValueAsString());
        assertEquals("9434765919", patient.getIdentifier().stream().filter(i -> NHS.equals(i.getSystem())).findFirst()
                .orElseThrow().getValue());

        Bundle encounters = awaitSearch("Encounter?patient=Patient/" + patient.getIdPart(), 1);
        Encounter encounter = (Encounter) encounters.getEntryFirstRep().getResource();
        assertEquals(Encounter.EncounterStatus.INPROGRESS, encounter.getStatus());
        assertEquals("IMP", encounter.getClass_().getCode());
        assertEquals(java.time.Instant.parse("2024-03-01T10:00:00Z"), encounter.getPeriod().getStart().toInstant());
        String bedRef = encounter.getLocationFirstRep().getLocation().getReference();
        Location bed = read("/fhir/" + bedRef, Location.class);
        assertEquals("BED1", bed.getName());
        Location bay = read("/fhir/" + bed.getPartOf().getReference(), Location.class);
        Location ward = read("/fhir/" + bay.getPartOf().getReference(), Location.class);
        assertEquals("WARD1", ward.getName());
        assertEquals(1, search("Location?partof=" + ward.getIdPart()).getTotal());
        assertEquals(3, search("Location?identifier=" + q("urn:caravan:location|WARD1/BAY1/BED1") + ","
                + q("urn:caravan:location|WARD1/BAY1") + "," + q("urn:caravan:location|WARD1")).getTotal());
    }

    @Test
    @Order(2)
    void updatesMakeVersionsAndAnUnchangedMessageDoesNot() throws Exception {
        String id = patientByMrn("1001").getIdPart();
        // the same facts again: no new version
        send("A08", pid("1001", "9434765919", "SMITH", "JANE", "19800214", "F"),
                pv1("I", "WARD1^BAY1^BED1", null, "V1001", "20240301100000", null), null);
        // a changed family name: version 2
        send("A08", pid("1001", "9434765919", "JONES", "JANE", "19800214", "F"),
                pv1("I", "WARD1^BAY1^BED1", null, "V1001", "20240301100000", null), null);
        Patient v2 = await("version 2", () -> {
            Patient p = read("/fhir/Patient/" + id, Patient.class);
            return "JONES".equals(p.getNameFirstRep().getFamily()) ? p : null;
        });
        assertEquals("2", v2.getMeta().getVersionId());
        HttpResponse<String> r = get("/fhir/Patient/" + id, reader, null);
        assertEquals("W/\"2\"", r.headers().firstValue("ETag").orElseThrow());
        assertEquals("SMITH", read("/fhir/Patient/" + id + "/_history/1", Patient.class).getNameFirstRep().getFamily());
        Bundle history = read("/fhir/Patient/" + id + "/_history", Bundle.class);
        assertEquals(Bundle.BundleType.HISTORY, history.getType());
        assertEquals(2, history.getTotal());
        error(get("/fhir/Patient/" + id + "/_history/3", reader, null), 404);
        error(get("/fhir/Patient/" + id + "/_history/x", reader, null), 400);
    }

    @Test
    @Order(3)
    void transferDischargeAndCancellation() throws Exception {
        send("A02", pid("1001", "9434765919", "JONES", "JANE", "19800214", "F"),
                pv1("I", "WARD2^BAY2^BED2", "WARD1^BAY1^BED1", "V1001", "20240301100000", null), null);
        Encounter moved = await("transfer", () -> {
            Encounter e = (Encounter) search("Encounter?identifier=" + q("V1001")).getEntryFirstRep().getResource();
            return e != null && e.getLocation().size() == 2 ? e : null;
        });
        assertEquals(Encounter.EncounterLocationStatus.ACTIVE, moved.getLocation().get(0).getStatus());
        assertEquals(Encounter.EncounterLocationStatus.COMPLETED, moved.getLocation().get(1).getStatus());
        assertEquals("BED2", read("/fhir/" + moved.getLocation().get(0).getLocation().getReference(), Location.class).getName());

        send("A03", pid("1001", "9434765919", "JONES", "JANE", "19800214", "F"),
                pv1("I", "WARD2^BAY2^BED2", null, "V1001", "20240301100000", "20240305163000"), null);
        awaitSearch("Encounter?identifier=V1001&status=finished", 1);
        assertEquals(1, search("Encounter?status=finished&date=" + q("ge2024-03-05") + "&date=" + q("lt2024-03-06")).getTotal());
        assertEquals(0, search("Encounter?status=finished&date=" + q("gt2024-03-06")).getTotal());
        assertEquals(1, search("Encounter?date=" + q("eq2024-03")).getTotal());

        send("A01", pid("1002", null, "BROWN", "ALEX", "19700101", "M"),
                pv1("E", "WARD3^BAY1^BED4", null, "V1002", "20240302080000", null), null);
        send("A11", pid("1002", null, "BROWN", "ALEX", "19700101", "M"),
                pv1("E", "WARD3^BAY1^BED4", null, "V1002", "20240302080000", null), null);
        Encounter cancelled = (Encounter) awaitSearch("Encounter?identifier=V1002&status=cancelled", 1)
                .getEntryFirstRep().getResource();
        assertEquals("EMER", cancelled.getClass_().getCode());
        assertEquals(1, search("Encounter?status=finished,cancelled&patient=" + patientByMrn("1002").getIdPart()).getTotal());
    }

    @Test
    @Order(4)
    void patientSearchParametersAndPaging() throws Exception {
        send("A28", pid("1003", null, "SMITHSON", "SAM", "1985", "U"), null, null);
        send("A28", pid("1004", null, "SMYTHE", "Ann", "19850607", "F"), null, null);
        patientByMrn("1003");
        patientByMrn("1004");
        assertEquals(4, search("Patient").getTotal());
        assertEquals(1, search("Patient?family=smiths").getTotal());
        assertEquals(1, search("Patient?family:exact=JONES").getTotal());
        assertEquals(2, search("Patient?family:contains=MYT,ITHS").getTotal());
        assertEquals(1, search("Patient?given=ann").getTotal());
        assertEquals(1, search("Patient?name=alex").getTotal());
        assertEquals(1, search("Patient?gender=female&birthdate=1985").getTotal());
        assertEquals(2, search("Patient?birthdate=1985").getTotal(), "the year 1985 contains both 1985 and 1985-06-07");
        assertEquals(1, search("Patient?birthdate=lt1971").getTotal());
        assertEquals(1, search("Patient?identifier=9434765919").getTotal());
        assertEquals(1, search("Patient?identifier=" + q(NHS + "|9434765919")).getTotal());
        assertEquals(0, search("Patient?identifier=" + q(MRN + "|9434765919")).getTotal());
        String id = patientByMrn("1004").getIdPart();
        assertEquals(1, search("Patient?_id=" + id).getTotal());
        assertEquals(1, search("Patient?gender=" + q("http://hl7.org/fhir/administrative-gender|unknown")).getTotal());

        Bundle page1 = search("Patient?_count=3");
        assertEquals(4, page1.getTotal());
        assertEquals(3, page1.getEntry().size());
        String next = page1.getLink("next").getUrl();
        assertTrue(next.contains("_offset=3"), next);
        Bundle page2 = search(next.substring(next.indexOf("/fhir/") + 6));
        assertEquals(1, page2.getEntry().size());
        assertNotNull(page2.getLink("previous"));
        assertEquals(null, page2.getLink("next"));
        List<String> ids = new ArrayList<>();
        page1.getEntry().forEach(e -> ids.add(e.getResource().getIdPart()));
        assertFalse(ids.contains(page2.getEntryFirstRep().getResource().getIdPart()));
        assertEquals(Bundle.SearchEntryMode.MATCH, page1.getEntryFirstRep().getSearch().getMode());
    }

    @Test
    @Order(5)
    void errorsAreOperationOutcomes() throws Exception {
        assertTrue(error(get("/fhir/Patient?favourite=blue", reader, null), 400).getIssueFirstRep().getDiagnostics()
                .contains("Unknown search parameter 'favourite'"));
        error(get("/fhir/Patient?family:fuzzy=x", reader, null), 400);
        error(get("/fhir/Patient?birthdate=yesterday", reader, null), 400);
        error(get("/fhir/Patient?birthdate=sa2000", reader, null), 400);
        error(get("/fhir/Patient?_count=abc", reader, null), 400);
        error(get("/fhir/Encounter?patient=Location/1", reader, null), 400);
        error(get("/fhir/Patient/does-not-exist", reader, null), 404);
        error(get("/fhir/Patient/x?family=y", reader, null), 400);
        error(get("/fhir/Observation", reader, null), 404);
        error(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caravan.httpPort + "/fhir/Patient"))
                .header("Authorization", "Bearer " + reader).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString()), 405);
        HttpResponse<String> noToken = get("/fhir/Patient", null, null);
        error(noToken, 401);
        assertEquals("Bearer", noToken.headers().firstValue("WWW-Authenticate").orElse(""));
        error(get("/fhir/Patient", Tokens.internal("system/Encounter.read"), null), 403);
        error(get("/fhir/Patient", Tokens.epr("system/*.read"), null), 403);
        error(get("/fhir/Patient", Tokens.internal("system/Patient.r"), null), 403);
        assertEquals(200, get("/fhir/Patient", Tokens.internal("system/Patient.rs"), null).statusCode());
        assertEquals(200, get("/fhir/Patient", Tokens.internal("system/Patient.read"), null).statusCode());
    }

    @Test
    @Order(6)
    void xmlByFormatOrAccept() throws Exception {
        String id = patientByMrn("1001").getIdPart();
        HttpResponse<String> byFormat = get("/fhir/Patient/" + id + "?_format=xml", reader, null);
        assertEquals(200, byFormat.statusCode());
        assertTrue(byFormat.headers().firstValue("Content-Type").orElse("").startsWith("application/fhir+xml"));
        assertEquals(id, FHIR.newXmlParser().parseResource(Patient.class, byFormat.body()).getIdPart());
        HttpResponse<String> byAccept = get("/fhir/Encounter?patient=" + id, reader, "application/fhir+xml");
        assertEquals(1, FHIR.newXmlParser().parseResource(Bundle.class, byAccept.body()).getTotal());
        HttpResponse<String> xmlError = get("/fhir/Patient?bad=1", reader, "application/fhir+xml");
        assertEquals(400, xmlError.statusCode());
        assertTrue(xmlError.body().startsWith("<OperationOutcome"), xmlError.body());
    }

    @Test
    @Order(7)
    void mergeRetiresTheOldPatient() throws Exception {
        send("A40", pid("1004", null, "SMYTHE", "Ann", "19850607", "F"), null, "MRG|1003^^^RTH^MRN");
        Patient retired = await("merge", () -> {
            Patient p = patientByMrn("1003");
            return p.hasActive() && !p.getActive() ? p : null;
        });
        Patient survivor = patientByMrn("1004");
        assertEquals(Patient.LinkType.REPLACEDBY, retired.getLinkFirstRep().getType());
        assertEquals("Patient/" + survivor.getIdPart(), retired.getLinkFirstRep().getOther().getReference());
        assertEquals(Patient.LinkType.REPLACES, survivor.getLinkFirstRep().getType());
        assertEquals(1, search("Patient?active=false").getTotal());
    }

    @Test
    @Order(8)
    void everyStoredResourceIsValid() throws Exception {
        FhirResourceValidator validator = new FhirResourceValidator(FHIR);
        int checked = 0;
        try (Connection c = TestCaravan.postgres(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT content FROM fhir_resource_history")) {
            while (rs.next()) {
                Resource r = (Resource) FHIR.newJsonParser().parseResource(rs.getString(1));
                assertEquals(List.of(), validator.errors(r), r.fhirType() + "/" + r.getIdPart());
                checked++;
            }
        }
        assertTrue(checked >= 15, "validated " + checked);
    }

    @Test
    @Order(9)
    void changesArePushedAsConditionalUpdatesInOrder() throws Exception {
        await("every push delivered", () -> count("SELECT COUNT(*) FROM fhir_push WHERE state <> 'DELIVERED'") == 0
                && count("SELECT COUNT(*) FROM fhir_projection") == 0);
        Patient p = (Patient) server.resources.get("Patient?identifier=" + MRN + "|1001");
        assertEquals("JONES", p.getNameFirstRep().getFamily());
        Encounter e = (Encounter) server.resources.get("Encounter?identifier=urn:caravan:visit-number|V1001");
        assertEquals(Encounter.EncounterStatus.FINISHED, e.getStatus());
        Bundle first = server.transactions.get(0);
        assertEquals(Bundle.BundleType.TRANSACTION, first.getType());
        Bundle.BundleEntryComponent encounterEntry = first.getEntry().stream()
                .filter(x -> x.getResource() instanceof Encounter).findFirst().orElseThrow();
        assertEquals(Bundle.HTTPVerb.PUT, encounterEntry.getRequest().getMethod());
        assertEquals("Encounter?identifier=" + q("urn:caravan:visit-number|V1001"), encounterEntry.getRequest().getUrl());
        String patientFullUrl = first.getEntry().stream().filter(x -> x.getResource() instanceof Patient).findFirst()
                .orElseThrow().getFullUrl();
        assertTrue(patientFullUrl.startsWith("urn:uuid:"));
        assertEquals(patientFullUrl, ((Encounter) encounterEntry.getResource()).getSubject().getReference());
        // one Bundle per message that changed something (the unchanged A08 changed nothing, but is still sent)
        assertEquals(count("SELECT COUNT(*) FROM hl7_message WHERE state = 'ACCEPTED'"), server.transactions.size());
    }

    @Test
    @Order(10)
    void aFailingServerIsRetriedAndARefusalIsSetAside() throws Exception {
        int before = server.transactions.size();
        server.failNext.set(2);
        send("A28", pid("1005", null, "GREEN", "TOM", "19900101", "M"), null, null);
        await("retried push", () -> server.resources.containsKey("Patient?identifier=" + MRN + "|1005"));
        assertEquals(3, count("SELECT attempts FROM fhir_push WHERE state = 'DELIVERED' ORDER BY id DESC LIMIT 1"));

        send("A28", pid("1006", null, "REFUSED", "RAY", "19900101", "M"), null, null);
        send("A28", pid("1007", null, "WHITE", "EVE", "19900101", "F"), null, null);
        await("later message delivered past the refused one",
                () -> server.resources.containsKey("Patient?identifier=" + MRN + "|1007"));
        assertEquals(1, count("SELECT COUNT(*) FROM fhir_push WHERE state = 'DEAD' AND http_status = 422"));
        assertEquals(before + 2, server.transactions.size());
        // the refusal does not touch Caravan's own store
        patientByMrn("1006");
    }

    // ---- what standard clients expect of /fhir ----

    IGenericClient fhirClient() {
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient c = FHIR.newRestfulGenericClient("http://127.0.0.1:" + caravan.httpPort + "/fhir");
        c.registerInterceptor(new BearerTokenAuthInterceptor(reader));
        return c;
    }

    HttpResponse<String> postForm(String path, String form) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caravan.httpPort + path))
                .header("Authorization", "Bearer " + reader).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(11)
    void pagingLinksKeepFormatAndEveryParameter() throws Exception {
        HttpResponse<String> r = get("/fhir/Patient?_format=xml&_count=2&gender=male,female,unknown&_sort=_id", reader, null);
        assertEquals(200, r.statusCode(), r.body());
        Bundle page1 = FHIR.newXmlParser().parseResource(Bundle.class, r.body());
        for (String rel : List.of("self", "first", "next", "last")) {
            String url = page1.getLink(rel).getUrl();
            assertTrue(url.contains("_format=xml") && url.contains("_sort=_id") && url.contains("gender=male"), rel + ": " + url);
        }
        String next = page1.getLink("next").getUrl();
        HttpResponse<String> page2 = get(next.substring(next.indexOf("/fhir/")), reader, null);
        assertTrue(page2.body().startsWith("<Bundle"), page2.body());
        assertTrue(FHIR.newXmlParser().parseResource(Bundle.class, page2.body()).getLink("previous").getUrl().contains("_format=xml"));

        // HAPI's generic client asking for XML pages through the links
        IGenericClient c = fhirClient();
        c.setEncoding(ca.uhn.fhir.rest.api.EncodingEnum.XML);
        Bundle first = c.search().forResource(Patient.class).count(2).returnBundle(Bundle.class).execute();
        Bundle second = c.loadPage().next(first).execute();
        assertEquals(2, second.getEntry().size());
        assertTrue(second.getLink("self").getUrl().contains("_format=xml"), second.getLink("self").getUrl());
    }

    @Test
    @Order(12)
    void lastModifiedIsAnImfFixdate() throws Exception {
        assertEquals("Wed, 02 Dec 2026 01:02:03 GMT", FhirReadApi.HTTP_DATE.format(java.time.Instant.parse("2026-12-02T01:02:03Z")));
        String id = patientByMrn("1001").getIdPart();
        String lastModified = get("/fhir/Patient/" + id, reader, null).headers().firstValue("Last-Modified").orElseThrow();
        assertTrue(lastModified.matches("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"),
                lastModified);
    }

    @Test
    @Order(13)
    void aLargeCountIsCappedNotRefused() throws Exception {
        HttpResponse<String> r = get("/fhir/Patient?_count=500", reader, null);
        assertEquals(200, r.statusCode(), r.body());
        Bundle b = FHIR.newJsonParser().parseResource(Bundle.class, r.body());
        assertTrue(b.getLink("self").getUrl().contains("_count=" + SearchParameters.MAX_COUNT), b.getLink("self").getUrl());
        assertEquals(b.getTotal(), b.getEntry().size());
        error(get("/fhir/Patient?_count=-1", reader, null), 400);
    }

    @Test
    @Order(14)
    void searchByPostFormLikeGet() throws Exception {
        Bundle byGet = search("Patient?family=sm&_sort=_id");
        HttpResponse<String> r = postForm("/fhir/Patient/_search?_sort=_id", "family=sm");
        assertEquals(200, r.statusCode(), r.body());
        Bundle byPost = FHIR.newJsonParser().parseResource(Bundle.class, r.body());
        assertEquals(byGet.getTotal(), byPost.getTotal());
        assertTrue(byGet.getTotal() >= 2);
        assertEquals(ids(byGet), ids(byPost));
        HttpResponse<String> xml = postForm("/fhir/Patient/_search", "family=sm&_format=xml");
        assertTrue(xml.body().startsWith("<Bundle"), xml.body());
        Bundle hapi = fhirClient().search().forResource(Patient.class).where(Patient.FAMILY.matches().value("sm"))
                .usingStyle(SearchStyleEnum.POST).returnBundle(Bundle.class).execute();
        assertEquals(byGet.getTotal(), hapi.getTotal());
        error(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caravan.httpPort + "/fhir/Patient/_search"))
                .header("Authorization", "Bearer " + reader).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()), 415);
        HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caravan.httpPort + "/fhir/Patient"))
                .header("Authorization", "Bearer " + reader).PUT(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        error(put, 405);
        assertEquals("GET, HEAD", put.headers().firstValue("Allow").orElse(""));
    }

    static List<String> ids(Bundle b) {
        List<String> ids = new ArrayList<>();
        b.getEntry().forEach(e -> ids.add(e.getResource().getIdPart()));
        return ids;
    }

    @Test
    @Order(15)
    void summaryCountElementsSortAndLastUpdated() throws Exception {
        int all = search("Patient").getTotal();
        Bundle count = search("Patient?_summary=count");
        assertEquals(all, count.getTotal());
        assertTrue(count.getEntry().isEmpty());
        assertEquals(all, fhirClient().search().forResource(Patient.class).summaryMode(SummaryEnum.COUNT)
                .returnBundle(Bundle.class).execute().getTotal());

        Patient subset = (Patient) search("Patient?identifier=" + q(MRN + "|1001") + "&_elements=name,Patient.gender")
                .getEntryFirstRep().getResource();
        assertEquals("JONES", subset.getNameFirstRep().getFamily());
        assertTrue(subset.hasGender());
        assertFalse(subset.hasBirthDate());
        assertFalse(subset.hasIdentifier());
        assertTrue(subset.getMeta().hasVersionId());
        assertEquals("SUBSETTED", subset.getMeta().getTagFirstRep().getCode());
        error(get("/fhir/Patient?_elements=favourite", reader, null), 400);

        List<String> families = new ArrayList<>();
        search("Patient?_sort=family&_count=50").getEntry().forEach(e -> families.add(((Patient) e.getResource()).getNameFirstRep().getFamily()));
        List<String> sorted = new ArrayList<>(families);
        sorted.sort(String.CASE_INSENSITIVE_ORDER);
        assertEquals(sorted, families);
        List<String> births = new ArrayList<>();
        search("Patient?_sort=-birthdate,_id&_count=50").getEntry().forEach(e -> births.add(((Patient) e.getResource()).getBirthDateElement().getValueAsString()));
        assertTrue(births.get(0).compareTo(births.get(births.size() - 1)) > 0, births.toString());
        Bundle byHapi = fhirClient().search().forResource(Patient.class).sort().ascending(Patient.FAMILY).count(50)
                .returnBundle(Bundle.class).execute();
        assertEquals(families, byHapi.getEntry().stream().map(e -> ((Patient) e.getResource()).getNameFirstRep().getFamily()).toList());
        List<String> dates = new ArrayList<>();
        search("Encounter?_sort=date").getEntry().forEach(e -> dates.add(((Encounter) e.getResource()).getPeriod().getStartElement().getValueAsString()));
        assertEquals(dates.stream().sorted().toList(), dates);
        assertTrue(error(get("/fhir/Patient?_sort=favourite", reader, null), 400).getIssueFirstRep().getDiagnostics().contains("_sort"));
        error(get("/fhir/Encounter?_sort=family", reader, null), 400);

        assertEquals(all, search("Patient?_lastUpdated=" + q("gt2000-01-01")).getTotal());
        assertEquals(0, search("Patient?_lastUpdated=" + q("lt2000-01-01")).getTotal());
        assertEquals(0, search("Patient?_lastUpdated=2000").getTotal());
        error(get("/fhir/Patient?_lastUpdated=yesterday", reader, null), 400);
    }

    @Test
    @Order(16)
    void historyCountAndSince() throws Exception {
        String id = patientByMrn("1001").getIdPart();
        Bundle full = read("/fhir/Patient/" + id + "/_history", Bundle.class);
        assertTrue(full.getTotal() >= 2);
        Bundle one = read("/fhir/Patient/" + id + "/_history?_count=1", Bundle.class);
        assertEquals(1, one.getEntry().size());
        assertEquals(full.getEntryFirstRep().getResource().getMeta().getVersionId(), one.getEntryFirstRep().getResource().getMeta().getVersionId());
        assertEquals(full.getTotal(), read("/fhir/Patient/" + id + "/_history?_since=2000-01-01", Bundle.class).getEntry().size());
        Bundle none = read("/fhir/Patient/" + id + "/_history?_since=" + q("2999-01-01T00:00:00Z"), Bundle.class);
        assertEquals(0, none.getEntry().size());
        Bundle hapi = fhirClient().history().onInstance("Patient/" + id).returnBundle(Bundle.class).count(1)
                .since(new java.util.Date(0)).execute();
        assertEquals(1, hapi.getEntry().size());
        error(get("/fhir/Patient/" + id + "/_history?_since=soon", reader, null), 400);
        error(get("/fhir/Patient/" + id + "/_history?family=x", reader, null), 400);
    }

    @Test
    @Order(17)
    void includeAndRevinclude() throws Exception {
        Bundle b = search("Encounter?identifier=V1001&_include=Encounter:patient&_include=Encounter:location");
        assertEquals(1, b.getTotal());
        assertEquals(Bundle.SearchEntryMode.MATCH, b.getEntryFirstRep().getSearch().getMode());
        List<String> included = b.getEntry().stream().filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE)
                .map(e -> e.getResource().fhirType()).sorted().toList();
        Encounter match = (Encounter) b.getEntryFirstRep().getResource();
        List<String> expected = new ArrayList<>();
        match.getLocation().stream().map(l -> l.getLocation().getReference()).distinct().forEach(l -> expected.add("Location"));
        expected.add("Patient");
        assertEquals(expected, included);
        assertTrue(expected.size() >= 2);
        Bundle hapi = fhirClient().search().forResource(Encounter.class)
                .where(new TokenClientParam("identifier").exactly().code("V1001"))
                .include(Encounter.INCLUDE_SUBJECT).returnBundle(Bundle.class).execute();
        assertEquals(2, hapi.getEntry().size());
        assertEquals("Patient", hapi.getEntry().get(1).getResource().fhirType());

        Bundle rev = fhirClient().search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndCode(MRN, "1001"))
                .revInclude(Encounter.INCLUDE_PATIENT).returnBundle(Bundle.class).execute();
        assertEquals(1, rev.getTotal());
        assertEquals(2, rev.getEntry().size());
        assertEquals("Encounter", rev.getEntry().get(1).getResource().fhirType());
        assertEquals(Bundle.SearchEntryMode.INCLUDE, rev.getEntry().get(1).getSearch().getMode());
        error(get("/fhir/Encounter?_include=Encounter:practitioner", reader, null), 400);
        error(get("/fhir/Patient?_include=Encounter:patient", reader, null), 400);
        error(get("/fhir/Encounter?_include=Encounter:patient", Tokens.internal("system/Encounter.read"), null), 403);
    }

    static long count(String sql) throws Exception {
        try (Connection c = TestCaravan.postgres(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }
}
