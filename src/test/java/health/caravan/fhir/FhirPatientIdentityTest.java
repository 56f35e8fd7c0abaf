package health.caravan.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import health.caravan.support.Ack;
import health.caravan.support.MllpClient;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;
import health.caravan.transformations.fhir.FhirResourceValidator;

/**
 * Patient identity in the FHIR store on PostgreSQL: a stored identifier is never dropped, and an NHS number
 * already on a Patient with another MRN follows {@code caravan.fhir.identity-conflict} — {@code separate}
 * (default: one Patient per MRN, all found by the NHS number, the conflict counted) or {@code merge} (one
 * Patient keeping every MRN).
 */
class FhirPatientIdentityTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final String MRN = "urn:caravan:mrn";
    static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    final HttpClient client = HttpClient.newHttpClient();
    final String reader = Tokens.internal("system/*.read");
    int controlId;

    @BeforeEach
    void empty() throws Exception {
        TestCaravan.truncatePostgres();
    }

    static TestCaravan start(String policy) throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.fhir.projection-poll-ms", "100");
        if (policy != null) {
            o.put("caravan.fhir.identity-conflict", policy);
        }
        return TestCaravan.start(o);
    }

    @Test
    void separateByDefaultOnePatientPerMrnAllFoundByTheNhsNumber() throws Exception {
        try (TestCaravan caravan = start(null); MllpClient mllp = caravan.mllp()) {
            for (String mrn : List.of("S1", "S2", "S3")) {
                send(mllp, "A28", pid(mrn, "9990000018", "SEPARATE", "PAT"));
            }
            Set<String> ids = new HashSet<>();
            for (String mrn : List.of("S1", "S2", "S3")) {
                Patient p = patient(caravan, MRN + "|" + mrn);
                assertEquals(List.of(NHS + "|9990000018", MRN + "|" + mrn), identifiers(p));
                assertEquals("1", p.getMeta().getVersionId());
                ids.add(p.getIdPart());
            }
            assertEquals(3, ids.size(), "three Patients");
            assertEquals(3, search(caravan, "Patient?identifier=" + q(NHS + "|9990000018")).getTotal());
            assertEquals(2.0, metric(caravan, "caravan_fhir_identity_conflicts_total"), "S2 and S3 conflicted");

            // without an MRN the NHS number cannot choose between three Patients: set aside, nothing merged
            send(mllp, "A08", "PID|1||9990000018^^^NHS^NHSNMBR||RENAMED^PAT||19800101|F");
            String error = await("the ambiguous message set aside", () -> string(
                    "SELECT last_error FROM fhir_projection WHERE last_error IS NOT NULL"));
            assertTrue(error.startsWith("patient identity conflict"), error);
            assertEquals(0, search(caravan, "Patient?family=renamed").getTotal());
            assertEquals(3.0, metric(caravan, "caravan_fhir_identity_conflicts_total"));
            validateEveryVersion(3);
        }
    }

    @Test
    void mergeKeepsEveryMrnOnOnePatient() throws Exception {
        try (TestCaravan caravan = start("merge"); MllpClient mllp = caravan.mllp()) {
            for (String mrn : List.of("M1", "M2", "M3")) {
                send(mllp, "A28", pid(mrn, "9990000026", "MERGED", "PAT"));
            }
            Patient p = await("the third MRN", () -> {
                Bundle b = search(caravan, "Patient?identifier=" + q(MRN + "|M3"));
                return b.getTotal() == 1 ? (Patient) b.getEntryFirstRep().getResource() : null;
            });
            // the first MRN stays first (the push's conditional-update key), later ones are added
            assertEquals(List.of(NHS + "|9990000026", MRN + "|M1", MRN + "|M2", MRN + "|M3"), identifiers(p));
            assertEquals("3", p.getMeta().getVersionId());
            for (String mrn : List.of("M1", "M2", "M3")) {
                assertEquals(p.getIdPart(), patient(caravan, MRN + "|" + mrn).getIdPart());
            }
            assertEquals(1, search(caravan, "Patient?identifier=" + q(NHS + "|9990000026")).getTotal());
            assertEquals(2.0, metric(caravan, "caravan_fhir_identity_conflicts_total"));

            // a message of the first MRN again changes nothing (no identifier dropped, no new version)
            send(mllp, "A08", pid("M1", "9990000026", "MERGED", "PAT"));
            send(mllp, "A08", pid("M1", "9990000026", "MERGED", "LAST"));
            Patient last = await("the name change", () -> {
                Patient x = patient(caravan, MRN + "|M1");
                return "LAST".equals(x.getNameFirstRep().getGivenAsSingleString()) ? x : null;
            });
            assertEquals("4", last.getMeta().getVersionId());
            assertEquals(identifiers(p), identifiers(last));
            validateEveryVersion(4);
        }
    }

    @Test
    void storedIdentifiersAreNeverDropped() throws Exception {
        try (TestCaravan caravan = start("separate"); MllpClient mllp = caravan.mllp()) {
            send(mllp, "A28", pid("K1", "9990000034", "KEEP", "PAT"));
            String id = patient(caravan, MRN + "|K1").getIdPart();

            // an update without an MRN, found by the NHS number, keeps the stored MRN
            send(mllp, "A08", "PID|1||9990000034^^^NHS^NHSNMBR||KEEP^RENAMED||19800101|F");
            Patient v2 = await("the MRN-less update", () -> {
                Patient x = patient(caravan, MRN + "|K1");
                return "RENAMED".equals(x.getNameFirstRep().getGivenAsSingleString()) ? x : null;
            });
            assertEquals(id, v2.getIdPart());
            assertEquals(List.of(NHS + "|9990000034", MRN + "|K1"), identifiers(v2));

            // the same MRN with another NHS number: the MRN's Patient, the previous NHS number kept as old
            send(mllp, "A08", pid("K1", "9990000042", "KEEP", "RENAMED"));
            Patient v3 = await("the new NHS number", () -> {
                Bundle b = search(caravan, "Patient?identifier=" + q(NHS + "|9990000042"));
                return b.getTotal() == 1 ? (Patient) b.getEntryFirstRep().getResource() : null;
            });
            assertEquals(id, v3.getIdPart());
            assertEquals(List.of(NHS + "|9990000034", MRN + "|K1", NHS + "|9990000042"), identifiers(v3));
            assertEquals(Identifier.IdentifierUse.OLD, v3.getIdentifier().get(0).getUse());
            assertEquals(Identifier.IdentifierUse.OFFICIAL, v3.getIdentifier().get(2).getUse());
            assertEquals(1, search(caravan, "Patient?identifier=" + q(NHS + "|9990000034")).getTotal());
            assertEquals(1.0, metric(caravan, "caravan_fhir_identity_conflicts_total"));

            // a Patient known only by its NHS number gains the MRN of a later message (no conflict)
            send(mllp, "A28", "PID|1||9990000050^^^NHS^NHSNMBR||LATE^MRN||19800101|F");
            String nhsOnly = await("the NHS-only Patient", () -> {
                Bundle b = search(caravan, "Patient?identifier=" + q(NHS + "|9990000050"));
                return b.getTotal() == 1 ? b.getEntryFirstRep().getResource().getIdElement().getIdPart() : null;
            });
            send(mllp, "A08", pid("K2", "9990000050", "LATE", "MRN"));
            Patient withMrn = patient(caravan, MRN + "|K2");
            assertEquals(nhsOnly, withMrn.getIdPart());
            assertNotEquals(id, nhsOnly);
            assertEquals(1.0, metric(caravan, "caravan_fhir_identity_conflicts_total"));
            validateEveryVersion(5);
        }
    }

    @Test
    void anUnknownPolicyStopsTheStart() throws Exception {
        Exception e = assertThrows(Exception.class, () -> start("sometimes").close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("caravan.fhir.identity-conflict (CARAVAN_FHIR_IDENTITY_CONFLICT)"),
                messages.toString());
        assertEquals(IdentityConflictPolicy.SEPARATE, IdentityConflictPolicy.of(""));
        assertEquals(IdentityConflictPolicy.MERGE, IdentityConflictPolicy.of(" Merge "));
    }

    // ---- helpers ----

    void send(MllpClient mllp, String trigger, String pid) throws Exception {
        String id = "FHIRID-" + (++controlId);
        String msg = "MSH|^~\\&|PAS|RTH|CARAVAN|RTH|20240301101500||ADT^" + trigger + "|" + id + "|P|2.4\r"
                + "EVN|" + trigger + "|20240301101500\r" + pid + "\r";
        String ack = mllp.send(msg);
        assertEquals("AA", new Ack(ack).code(), ack);
    }

    static String pid(String mrn, String nhs, String family, String given) {
        return "PID|1||" + mrn + "^^^RTH^MRN~" + nhs + "^^^NHS^NHSNMBR||" + family + "^" + given + "||19800101|F";
    }

    static List<String> identifiers(Patient p) {
        return p.getIdentifier().stream().map(i -> i.getSystem() + "|" + i.getValue()).toList();
    }

    Bundle search(TestCaravan caravan, String query) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + caravan.httpPort + "/fhir/" + query))
                .header("Authorization", "Bearer " + reader).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return FHIR.newJsonParser().parseResource(Bundle.class, r.body());
    }

    /** The one Patient with this identifier, once the projection has made it. */
    Patient patient(TestCaravan caravan, String identifier) throws Exception {
        return await(identifier, () -> {
            Bundle b = search(caravan, "Patient?identifier=" + q(identifier));
            assertTrue(b.getTotal() <= 1, identifier + " is on " + b.getTotal() + " Patients");
            return b.getTotal() == 1 ? (Patient) b.getEntryFirstRep().getResource() : null;
        });
    }

    /** The metric once every queued message has been projected or set aside. */
    double metric(TestCaravan caravan, String name) throws Exception {
        await("the projection queue to drain", () -> count(
                "SELECT COUNT(*) FROM fhir_projection WHERE last_error IS NULL") == 0);
        String metrics = caravan.http.get("/observe/metrics", null).body();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.]+)").matcher(metrics);
        assertTrue(m.find(), metrics);
        return Double.parseDouble(m.group(1));
    }

    static void validateEveryVersion(int atLeast) throws Exception {
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
        assertTrue(checked >= atLeast, "validated " + checked);
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static long count(String sql) throws Exception {
        try (Connection c = TestCaravan.postgres(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    static String string(String sql) throws Exception {
        try (Connection c = TestCaravan.postgres(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
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
}
