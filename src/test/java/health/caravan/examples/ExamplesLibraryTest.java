package health.caravan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import health.caravan.support.ExampleRepo;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;

/**
 * The examples library end to end on PostgreSQL: a synthetic Git repository with every README variant,
 * clone + index + permalink write-back pushed to a local bare repository, the web site, the JSON API,
 * the signed webhook, renames and deletions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExamplesLibraryTest {

    static final String SECRET = "webhook-secret-for-tests";
    static final ObjectMapper JSON = new ObjectMapper();

    Path dir;
    ExampleRepo repo;
    TestCaravan caravan;
    HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    void start() throws Exception {
        TestCaravan.truncatePostgres();
        dir = Files.createTempDirectory("caravan-examples");
        repo = new ExampleRepo(dir).seed();
        Map<String, String> o = repo.caravanSettings();
        o.put("caravan.examples.push", "true");
        o.put("caravan.examples.webhook-secret", SECRET);
        o.put("caravan.examples.web-url", "https://github.com/HL7/C-CDA-Examples");
        caravan = TestCaravan.start(o);
        waitForRuns(1);
    }

    @AfterAll
    void stop() throws Exception {
        caravan.close();
        repo.close();
    }

    @Test
    @Order(1)
    void firstSyncClonesIndexesAndPushesNewPermalinks() throws Exception {
        JsonNode run = runs().get(0);
        assertEquals("SUCCEEDED", run.get("outcome").asText(), run.toString());
        assertEquals("startup", run.get("trigger").asText());
        assertEquals(16, run.get("examples").asInt(), run.toString());
        assertEquals(10, run.get("permalinks_assigned").asInt(), run.toString());   // all but the duplicate
        assertTrue(run.get("pushed").asBoolean());
        assertTrue(repo.remoteHeadMessage().startsWith("Add permalinks to "), repo.remoteHeadMessage());
        repo.pull();
        // existing ids kept byte for byte; examples without one got a UUID in canonical link form
        assertTrue(repo.read("Allergies/Allergy to food egg/README.md").contains(ExampleRepo.link(ExampleRepo.EGG_ID)));
        String ccd = repo.read("Documents/CCD/CCD 1/README.md");
        assertTrue(ccd.matches("(?s).*### Permalink\n\n\\* \\[http://cdasearch\\.hl7\\.org/examples/view/([0-9a-f-]{36})\\]"
                + "\\(http://cdasearch\\.hl7\\.org/examples/view/\\1\\)\n"), ccd);
        String masked = repo.read("Header/Masked Social Security Number/Readme.MD");
        assertEquals(1, masked.split("(?i)permalink\\s*\n").length - 1, masked);   // placeholder replaced, not duplicated
        assertFalse(repo.read("Results/Result B/README.md").contains("### Permalink\n\n* [http://cdasearch.hl7.org/examples/view/")
                && repo.read("Results/Result B/README.md").split("Permalink").length > 2);
        // the duplicate is reported, not overwritten
        assertTrue(run.get("warnings").toString().contains("Duplicate permalink id " + ExampleRepo.DUPLICATE_ID), run.toString());
        assertTrue(run.get("warnings").toString().contains("No Approval Status heading"), "malformed README: a warning, not a failure");
    }

    @Test
    @Order(2)
    void secondSyncChangesNothing() throws Exception {
        String head = repo.remoteHead().name();
        assertEquals(202, trigger().statusCode());
        waitForRuns(2);
        JsonNode run = runs().get(0);
        assertEquals("SUCCEEDED", run.get("outcome").asText(), run.toString());
        assertEquals(0, run.get("permalinks_assigned").asInt());
        assertFalse(run.get("pushed").asBoolean());
        assertEquals(head, repo.remoteHead().name());
    }

    @Test
    @Order(3)
    void homeListsEverySectionIncludingDocuments() throws Exception {
        HttpResponse<String> home = get("/");
        assertEquals(200, home.statusCode());
        assertTrue(home.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        for (String s : new String[] {"Allergies", "Documents", "Guide Examples", "Stylesheets - Community Submitted"}) {
            assertTrue(home.body().contains(">" + s + "</a>"), s);
        }
        HttpResponse<String> documents = get("/sections/Documents");
        assertTrue(documents.body().contains("This section has 2 examples."), documents.body());
        assertTrue(documents.body().contains("CCD / CCD 1"));
        HttpResponse<String> allergies = get("/sections/Allergies");
        assertTrue(allergies.body().contains("Withdrawn (temporarily)"));
        assertTrue(allergies.body().contains("Egg allergy recorded with a link."), "comment preview");
        assertEquals(404, get("/sections/Nope").statusCode());
    }

    @Test
    @Order(4)
    void examplePageByPermalinkAndByPath() throws Exception {
        HttpResponse<String> egg = get("/examples/view/" + ExampleRepo.EGG_ID);
        assertEquals(200, egg.statusCode());
        String body = egg.body();
        assertTrue(body.contains("<h1>Allergy to food egg</h1>"));
        assertTrue(body.contains("Allergy Concern Act 2.16.840.1.113883.10.20.22.4.30:2015-08-01"));
        assertTrue(body.contains("<span class=\"x-c\">&lt;!-- egg --&gt;</span>"), "highlighted XML");
        assertTrue(body.contains("href=\"https://github.com/HL7/C-CDA-Examples/blob/master/Allergies/Allergy%20to%20food%20egg/"
                + "Allergy%20to%20food%20egg%28C-CDA2.1%29.xml\""), "encoded GitHub link");
        assertTrue(body.contains("href=\"/examples/download/Allergies/Allergy%20to%20food%20egg/Allergy%20to%20food%20egg%28C-CDA2.1%29.xml\""));
        // the malformed '*' id and the path forms reach the same kind of page
        assertEquals(200, get("/examples/view/*" + ExampleRepo.CAT_ID).statusCode());
        assertEquals(200, get("/examples/view/%2A" + ExampleRepo.CAT_ID).statusCode());
        assertEquals(200, get("/examples/view/Documents/CCD/CCD%201").statusCode());
        assertEquals(200, get("/examples/view/Procedures/Multiple%20CPT%20E%26M%20Codes%2C%20%282020%29").statusCode());
        HttpResponse<String> html = get("/examples/view/Care%20Team/Care%20Team%20Rendering");
        assertFalse(html.body().contains("<script>alert"), "HTML example shown escaped");
        assertTrue(html.body().contains("&lt;script&gt;alert"));
        HttpResponse<String> url = get("/examples/view/" + ExampleRepo.OBJECT_ID);
        assertTrue(url.body().contains("href=\"https://docs.google.com/document/d/abc\""));
        HttpResponse<String> png = get("/examples/view/Results/Result%20with%20lab%20location");
        assertTrue(png.body().contains("<img src=\"/examples/download/Results/Result%20with%20lab%20location/Lab%20location.png\""));
        assertEquals(404, get("/examples/view/00000000-0000-4000-8000-000000000000").statusCode());
    }

    @Test
    @Order(5)
    void downloadsAreSafe() throws Exception {
        HttpResponse<byte[]> pdf = client.send(request("/examples/download/Results/Result%20with%20lab%20location/"
                + "Lab%20report%20%28scan%29.pdf").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, pdf.statusCode());
        assertEquals("application/pdf", pdf.headers().firstValue("Content-Type").orElse(""));
        assertEquals("attachment; filename=\"Lab report (scan).pdf\"; filename*=UTF-8''Lab%20report%20%28scan%29.pdf",
                pdf.headers().firstValue("Content-Disposition").orElse(""));
        assertTrue(new String(pdf.body(), StandardCharsets.UTF_8).contains("caf\u00e9"));
        assertEquals(404, get("/examples/download/Allergies/Allergy%20to%20food%20egg/..%2F..%2F..%2Fetc%2Fpasswd").statusCode());
        assertEquals(404, get("/examples/download/Allergies/../../README.md").statusCode());
        assertEquals(404, get("/examples/download/Allergies/Allergy%20to%20food%20egg/README.md").statusCode());
    }

    @Test
    @Order(6)
    void searchIsWordBasedCaseInsensitiveWithFilters() throws Exception {
        assertEquals(1, api("/caravan/v1/examples?q=EGG%20food").get("total").asInt());
        assertEquals(0, api("/caravan/v1/examples?q=egg%20cat").get("total").asInt());
        assertEquals(2, api("/caravan/v1/examples?q=2.16.840.1.113883.10.20.22.4.30").get("total").asInt() - 1,
                "egg + cat via template OIDs, guide via keywords");
        assertEquals(1, api("/caravan/v1/examples?approval=withdrawn").get("total").asInt());
        assertEquals(1, api("/caravan/v1/examples?certification=ONC").get("total").asInt());
        assertEquals(1, api("/caravan/v1/examples?approval=not-reviewed").get("total").asInt());
        assertTrue(api("/caravan/v1/examples?q=jcurator").get("total").asInt() > 5, "custodian searched");
        HttpResponse<String> page = get("/search?q=Egg&approval=approved&certification=ONC");
        assertTrue(page.body().contains("1 example found."), page.body());
        assertEquals(400, get("/caravan/v1/examples?approval=maybe").statusCode());
        assertEquals(400, get("/caravan/v1/examples?bogus=1").statusCode());
        HttpResponse<String> badSearch = get("/search?bogus=1");
        assertEquals(400, badSearch.statusCode());
        assertTrue(badSearch.body().contains("Unknown query parameter"), badSearch.body());
        assertTrue(badSearch.headers().firstValue("bogus").isEmpty(), "request parameters are not echoed as headers");
    }

    @Test
    @Order(7)
    void jsonApi() throws Exception {
        JsonNode egg = api("/caravan/v1/examples/" + ExampleRepo.EGG_ID);
        assertEquals("Allergies", egg.get("section").asText());
        assertEquals("Approved", egg.get("approval_status").asText());
        assertEquals("2.16.840.1.113883.10.20.22.4.30", egg.get("templates").get(0).get("oid").asText());
        assertEquals("ONC", egg.get("certification").asText());
        assertEquals(ExampleRepo.EGG_ID, egg.get("permalink_id").asText());
        JsonNode sections = api("/caravan/v1/example-sections");
        assertEquals(11, sections.size(), sections.toString());
        assertEquals(404, get("/caravan/v1/examples/00000000-0000-4000-8000-000000000000").statusCode());
        assertEquals(401, get("/caravan/v1/example-syncs").statusCode());
        assertEquals(401, client.send(request("/caravan/v1/example-syncs").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> syncPage = get("/sync");
        assertTrue(syncPage.body().contains("origin.git"));
    }

    @Test
    @Order(8)
    void webhookSignatureAndBranch() throws Exception {
        String push = "{\"ref\":\"refs/heads/master\",\"after\":\"abc\"}";
        assertEquals(401, webhook(push, "sha256=" + "0".repeat(64), "push").statusCode());
        assertEquals(401, webhook(push, null, "push").statusCode());
        HttpResponse<String> other = webhook("{\"ref\":\"refs/heads/feature\"}", null, "push", true);
        assertEquals(200, other.statusCode());
        assertTrue(other.body().contains("ignored"));
        assertEquals(200, webhook("{\"zen\":\"hi\"}", null, "ping", true).statusCode());
        int before = runs().size();
        assertEquals(202, webhook(push, null, "push", true).statusCode());
        waitForRuns(before + 1);
    }

    @Test
    @Order(9)
    void renamesKeepPermalinksAndDeletionsAnswer410() throws Exception {
        String ccdId = api("/caravan/v1/examples?q=ccd").get("examples").get(0).get("permalink_id").asText();
        repo.move("Allergies/Allergy to food egg", "Allergies/Egg allergy (food)");
        repo.move("Documents/CCD/CCD 1", "Documents/CCD/CCD One");
        repo.delete("Results/Result A");
        repo.commitAndPush("rename and delete");
        int before = runs().size();
        assertEquals(202, webhook("{\"ref\":\"refs/heads/master\"}", null, "push", true).statusCode());
        waitForRuns(before + 1);
        JsonNode egg = api("/caravan/v1/examples/" + ExampleRepo.EGG_ID);
        assertEquals("Allergies/Egg allergy (food)", egg.get("path").asText(), runs().get(0).toString());
        assertEquals("Documents/CCD/CCD One", api("/caravan/v1/examples/" + ccdId).get("path").asText());
        // Result B now owns the formerly duplicated id; Result A's folder is gone
        assertEquals("Results/Result B", api("/caravan/v1/examples/" + ExampleRepo.DUPLICATE_ID).get("path").asText());
        // a Caravan-pushed permalink of a deleted example answers 410 with its section
        repo.pull();
        String labId = api("/caravan/v1/examples?q=lab%20location").get("examples").get(0).get("permalink_id").asText();
        repo.delete("Results/Result with lab location");
        repo.commitAndPush("delete lab location");
        before = runs().size();
        assertEquals(202, trigger().statusCode());
        waitForRuns(before + 1);
        HttpResponse<String> gone = get("/examples/view/" + labId);
        assertEquals(410, gone.statusCode());
        assertTrue(gone.body().contains("href=\"/sections/Results\""), gone.body());
        assertEquals(410, get("/caravan/v1/examples/" + labId).statusCode());
    }

    @Test
    @Order(10)
    void triggersAreCoalesced() throws Exception {
        int before = runs().size();
        for (int i = 0; i < 6; i++) {
            assertEquals(202, trigger().statusCode());
        }
        waitForRuns(before + 1);
        Thread.sleep(1500);
        int after = runs().size();
        assertTrue(after - before < 6 && after > before, "6 triggers gave " + (after - before) + " runs");
        for (JsonNode run : runs()) {
            assertNotEquals("FAILED", run.get("outcome").asText(), run.toString());
        }
    }

    @Test
    @Order(11)
    void largeFilesAreNotShownInlineAndPagesFollowTheCommit() throws Exception {
        repo.pull();
        StringBuilder big = new StringBuilder("<observation>\n");
        while (big.length() <= 300 * 1024) {
            big.append("<value>0123456789 0123456789 0123456789 0123456789</value>\n");
        }
        big.append("<!-- TAIL-MARKER --></observation>\n");
        repo.write("Results/Big result/README.md", ExampleRepo.curated("Approved", "* 2.16.840.1.113883.10.20.22.4.2", "* Big.",
                "big", null));
        repo.write("Results/Big result/Big.xml", big.toString());
        repo.write("Results/Big result/Small.xml", "<observation><!-- SMALL-ONE --></observation>\n");
        repo.commitAndPush("a large example file");
        int before = runs().size();
        assertEquals(202, trigger().statusCode());
        waitForRuns(before + 1);

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> page = get("/examples/view/Results/Big%20result");
            assertEquals(200, page.statusCode());
            assertFalse(page.body().contains("TAIL-MARKER"), "the large file is not inlined");
            assertTrue(page.body().contains("larger than 256 KB and is not shown here"), "a note");
            assertTrue(page.body().contains("<a href=\"/examples/download/Results/Big%20result/Big.xml\" download>download it</a>"));
            assertTrue(page.body().contains("SMALL-ONE"), "small files are still shown");
        }
        HttpResponse<String> download = get("/examples/download/Results/Big%20result/Big.xml");
        assertTrue(download.body().contains("TAIL-MARKER"), "the download is whole");

        // a new commit shows the new content: rendered pages are cached per library snapshot
        repo.pull(); // Caravan pushed the new example's permalink
        repo.write("Results/Big result/Small.xml", "<observation><!-- SMALL-TWO --></observation>\n");
        repo.commitAndPush("change the small file");
        before = runs().size();
        assertEquals(202, trigger().statusCode());
        waitForRuns(before + 1);
        String after = get("/examples/view/Results/Big%20result").body();
        assertTrue(after.contains("SMALL-TWO") && !after.contains("SMALL-ONE"), "the page follows the commit");
    }

    // ---- helpers ----

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caravan.httpPort + path)).timeout(Duration.ofSeconds(30));
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode api(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertTrue(r.statusCode() == 200 || r.statusCode() == 410, path + " -> " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    HttpResponse<String> trigger() throws Exception {
        return client.send(request("/caravan/v1/example-syncs").header("Authorization", "Bearer " + Tokens.internal("write:examples"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> webhook(String body, String signature, String event) throws Exception {
        return webhook(body, signature, event, false);
    }

    HttpResponse<String> webhook(String body, String signature, String event, boolean sign) throws Exception {
        HttpRequest.Builder b = request("/sync").header("Content-Type", "application/json").header("X-GitHub-Event", event)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        String sig = sign ? WebhookSignature.sign(SECRET, body.getBytes(StandardCharsets.UTF_8)) : signature;
        if (sig != null) {
            b.header("X-Hub-Signature-256", sig);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode runs() throws Exception {
        HttpResponse<String> r = client.send(request("/caravan/v1/example-syncs")
                .header("Authorization", "Bearer " + Tokens.internal("read:examples")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** Waits until {@code n} runs are recorded and none is running. */
    void waitForRuns(int n) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode runs = runs();
            if (runs.size() >= n && !runs.get(0).get("outcome").asText().equals("RUNNING")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("sync runs: " + runs());
    }
}
