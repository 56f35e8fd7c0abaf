package health.caravan.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import health.caravan.support.HttpApi;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;

/**
 * Timed SQL extracts against a source database in PostgreSQL (schema extract_src, seeded here) and
 * the ReqCheck API played by {@link ReqCheckStub}: heartbeat → queries → batches, partial failures,
 * incremental runs, doses kept together per patient, FILE mode, bad credentials, 100,000 rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExtractsTest {

    private ReqCheckStub reqcheck;
    private TestCaravan caravan;
    private Path dataDir;
    private final String token = Tokens.internal("read:extracts write:extracts");

    /** A Caravan reading the seeded source and posting to the stub with these credentials and datasets. */
    private Map<String, String> extractSettings(String password, String datasetsDir) throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.extracts.db.url", TestCaravan.postgresUrl());
        o.put("caravan.extracts.db.user", TestCaravan.postgresUser());
        o.put("caravan.reqcheck.url", reqcheck.url());
        o.put("caravan.reqcheck.username", ReqCheckStub.USER);
        o.put("caravan.reqcheck.password", password);
        o.put("caravan.extracts.dir", datasetsDir);
        return o;
    }

    @BeforeAll
    void start() throws Exception {
        reqcheck = new ReqCheckStub();
        dataDir = Files.createTempDirectory("caravan-extracts");
        Map<String, String> o = extractSettings(ReqCheckStub.PASSWORD, "src/test/resources/extracts");
        o.put("caravan.reqcheck.key", "test-anonymisation-key");
        o.put("caravan.extracts.start-date", "1/2000");
        o.put("caravan.extracts.retry-backoff-ms", "100");
        o.put("caravan.data-dir", dataDir.toString());
        o.put("caravan.timezone", "America/Chicago");
        TestCaravan.truncatePostgres();
        caravan = TestCaravan.start(o);
    }

    @AfterAll
    void stop() throws Exception {
        caravan.close();
        reqcheck.close();
    }

    @BeforeEach
    void seed() throws Exception {
        sql("DROP SCHEMA IF EXISTS extract_src CASCADE",
                "CREATE SCHEMA extract_src",
                "CREATE TABLE extract_src.patients (patient_number INT, first_name TEXT, last_name TEXT, dob DATE, "
                        + "updated_at TIMESTAMP, address TEXT, city TEXT, state TEXT, zip_code TEXT, gender TEXT, family_number INT)",
                "CREATE TABLE extract_src.vaccine_doses (id SERIAL, patient_number INT, cvx_code INT, vaccine_code TEXT, "
                        + "date_administered DATE, updated_at TIMESTAMP, lot_number TEXT, history_flag BOOLEAN)");
        reqcheck.patients.clear();
        reqcheck.doses.clear();
        reqcheck.doseBatches.clear();
        reqcheck.patientBatchSizes.clear();
        reqcheck.errors.clear();
        reqcheck.lastPatientImport = null;
        reqcheck.lastDoseImport = null;
        reqcheck.failNext.clear();
        reqcheck.heartbeatFailNext.clear();
    }

    private static void sql(String... statements) throws Exception {
        try (Connection c = TestCaravan.postgres(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private JsonNode run(String query) throws Exception {
        HttpApi.Response r = caravan.http.send("POST", "/caravan/v1/extracts/runs" + query, token, null);
        assertEquals(202, r.status(), r.body());
        String id = r.json().get("id").asText();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode run = caravan.http.get("/caravan/v1/extracts/runs/" + id, token).json();
            if (!"RUNNING".equals(run.get("outcome").asText())) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("extract run did not finish");
    }

    private static JsonNode dataset(JsonNode run, String name) {
        for (JsonNode d : run.get("datasets")) {
            if (name.equals(d.get("dataset").asText())) {
                return d;
            }
        }
        throw new AssertionError("no dataset " + name + " in " + run);
    }

    private void seedSmall() throws Exception {
        sql("INSERT INTO extract_src.patients VALUES "
                        + "(1, 'ALPHA', 'TESTPATIENT', '1980-01-02', now() - interval '1 day', '1 Main St', 'KC', 'MO', '64101', 'female', 10),"
                        + "(2, 'BRAVO', 'TESTPATIENT', '1981-02-03', now() - interval '1 day', NULL, NULL, NULL, NULL, NULL, NULL),"
                        + "(3, 'CHARLIE', 'TESTPATIENT', '1982-03-04', now() - interval '1 day', NULL, NULL, NULL, NULL, 'male', NULL),"
                        + "(4, 'DELTA', 'TESTPATIENT', '1983-04-05', now() - interval '1 day', NULL, NULL, NULL, NULL, NULL, NULL),"
                        + "(0, 'ECHO', 'TESTPATIENT', '1984-05-06', now() - interval '1 day', NULL, NULL, NULL, NULL, NULL, NULL)",
                "INSERT INTO extract_src.vaccine_doses (patient_number, cvx_code, vaccine_code, date_administered, updated_at, lot_number, history_flag) VALUES "
                        + "(1, 20, 'DTaP', '2010-01-01', now() - interval '1 day', 'L1', false),"
                        + "(1, 20, 'DTaP', '2010-03-01', now() - interval '1 day', 'L2', false),"
                        + "(2, 10, 'IPV', '2011-01-01', now() - interval '1 day', NULL, true),"
                        + "(2, 10, 'IPV', '2011-03-01', now() - interval '1 day', NULL, NULL),"
                        + "(2, 10, 'IPV', '2011-05-01', now() - interval '1 day', NULL, NULL),"
                        + "(3, 3, 'MMR', '2012-01-01', now() - interval '1 day', NULL, false),"
                        + "(4, 21, 'VAR', '2013-01-01', now() - interval '1 day', NULL, false),"
                        + "(4, 21, 'VAR', '2013-06-01', now() - interval '1 day', NULL, false)");
    }

    @Test
    void liveRunsPostEverythingThenOnlyWhatChanged() throws Exception {
        seedSmall();
        JsonNode first = run("");
        assertEquals("PARTIAL_FAILURE", first.get("outcome").asText(), first.toString());
        JsonNode patients = dataset(first, "patients");
        assertEquals(5, patients.get("rows").asInt());
        assertEquals(3, patients.get("batches").asInt(), "batch size 2");
        assertEquals(1, patients.get("failed_rows").asInt(), "patient_number 0 is refused");
        assertEquals(1, patients.get("failed_ids").size());
        assertEquals(List.of("Patient number must be greater than 0"), reqcheck.errors);
        assertEquals(Set.of("1", "2", "3", "4"), reqcheck.patients.keySet());
        JsonNode alpha = reqcheck.patients.get("1");
        assertEquals("1980-01-02", alpha.get("dob").asText());
        assertTrue(alpha.get("hd_mpfile_updated_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}-0[56]:00"),
                alpha.get("hd_mpfile_updated_at").asText());
        assertTrue(!reqcheck.patients.get("2").has("address"), "nulls are left out");

        JsonNode doses = dataset(first, "vaccine_doses");
        assertEquals(8, doses.get("rows").asInt());
        Set<String> seen = new HashSet<>();
        for (List<String> batch : reqcheck.doseBatches) {
            for (String patient : batch) {
                assertTrue(seen.add(patient), "patient " + patient + " split across batches: " + reqcheck.doseBatches);
            }
        }
        assertEquals(3, reqcheck.doses.get("2").size());
        assertEquals(true, reqcheck.doses.get("2").get(0).get("history_flag").asBoolean());

        // only what changed after the last import goes in the next run
        Thread.sleep(50);
        sql("UPDATE extract_src.patients SET first_name = 'BRAVO2', updated_at = now() + interval '1 hour' WHERE patient_number = 2",
                "UPDATE extract_src.vaccine_doses SET lot_number = 'NEW', updated_at = now() + interval '1 hour' "
                        + "WHERE patient_number = 4 AND date_administered = '2013-06-01'");
        reqcheck.doseBatches.clear();
        JsonNode second = run("");
        assertEquals("SUCCESS", second.get("outcome").asText(), second.toString());
        assertEquals(1, dataset(second, "patients").get("rows").asInt());
        assertEquals("BRAVO2", reqcheck.patients.get("2").get("first_name").asText());
        assertEquals(2, dataset(second, "vaccine_doses").get("rows").asInt(), "the complete history of the touched patient");
        assertEquals(List.of(List.of("4")), reqcheck.doseBatches);
        assertTrue(second.get("since").asText().startsWith(java.time.LocalDate.now(java.time.ZoneId.of("America/Chicago")).toString()),
                "since = the heartbeat's last import: " + second.get("since"));

        JsonNode history = caravan.http.get("/caravan/v1/extracts/runs", token).json();
        assertTrue(history.size() >= 2);
        assertEquals(second.get("id"), history.get(0).get("id"), "newest first");
    }

    @Test
    void transientFailuresAreRetriedAndRefusalsEndTheRun() throws Exception {
        seedSmall();
        reqcheck.failNext.add(503);
        JsonNode retried = run("");
        assertEquals("PARTIAL_FAILURE", retried.get("outcome").asText(), "503 retried, then the usual partial failure: " + retried);
        assertEquals(4, reqcheck.patients.size());

        sql("UPDATE extract_src.patients SET updated_at = now() + interval '1 hour' WHERE patient_number = 1");
        reqcheck.failNext.add(400);
        JsonNode refused = run("");
        assertEquals("FAILED", refused.get("outcome").asText());
        assertEquals("patients: ReqCheck refused batch 1 (HTTP 400: patient_data key missing)", refused.get("error").asText());
    }

    @Test
    void theHeartbeatIsRetriedLikeTheBatches() throws Exception {
        seedSmall();
        reqcheck.heartbeatFailNext.add(503);
        reqcheck.heartbeatFailNext.add(502);
        int before = reqcheck.heartbeats.get();
        JsonNode run = run("");
        assertEquals("PARTIAL_FAILURE", run.get("outcome").asText(), "two 5xx heartbeats retried, then the usual run: " + run);
        assertEquals(3, reqcheck.heartbeats.get() - before);
        assertEquals(4, reqcheck.patients.size());

        for (int i = 0; i < 3; i++) {
            reqcheck.heartbeatFailNext.add(503);
        }
        JsonNode failed = run("");
        assertEquals("FAILED", failed.get("outcome").asText());
        assertEquals("ReqCheck heartbeat POST " + reqcheck.url() + "/heartbeat failed after 3 attempt(s): HTTP 503",
                failed.get("error").asText());
    }

    @Test
    void aDownReqCheckIsRecordedWithWhatAndWhere() throws Exception {
        seedSmall();
        int closedPort = TestCaravan.freePort();
        Map<String, String> o = extractSettings(ReqCheckStub.PASSWORD, "src/test/resources/extracts");
        o.put("caravan.reqcheck.url", "http://someone:url-secret@127.0.0.1:" + closedPort + "/api/");
        o.put("caravan.extracts.post-attempts", "2");
        o.put("caravan.extracts.retry-backoff-ms", "50");
        try (TestCaravan other = TestCaravan.start(o)) {
            HttpApi.Response r = other.http.send("POST", "/caravan/v1/extracts/runs", token, null);
            String id = r.json().get("id").asText();
            JsonNode run = null;
            for (int i = 0; i < 200; i++) {
                run = other.http.get("/caravan/v1/extracts/runs/" + id, token).json();
                if (!"RUNNING".equals(run.get("outcome").asText())) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals("FAILED", run.get("outcome").asText());
            assertEquals("ReqCheck heartbeat POST http://127.0.0.1:" + closedPort + "/api/heartbeat failed after 2 attempt(s): "
                    + "connection refused", run.get("error").asText());
        }
    }

    @Test
    void eachRunIsAuditedWithCountsOnly() throws Exception {
        seedSmall();
        JsonNode run = run("");
        try (Connection c = TestCaravan.postgres(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT actor, action, detail FROM audit_event WHERE action LIKE 'extract run%' ORDER BY at DESC")) {
            assertTrue(rs.next());
            assertEquals("test-system", rs.getString(1));
            assertEquals("extract run " + run.get("outcome").asText(), rs.getString(2));
            assertEquals("patients: 5 row(s) in 3 batch(es), 1 failed; vaccine_doses: 8 row(s) in 2 batch(es), 0 failed", rs.getString(3));
        }
    }

    @Test
    void theCronScheduleStartsRuns() throws Exception {
        seedSmall();
        Map<String, String> o = extractSettings(ReqCheckStub.PASSWORD, "src/test/resources/extracts");
        o.put("caravan.extracts.cron", "0/2 * * * * ?");
        try (TestCaravan scheduled = TestCaravan.start(o)) {
            JsonNode scheduledRun = null;
            for (int i = 0; i < 100 && scheduledRun == null; i++) {
                for (JsonNode run : scheduled.http.get("/caravan/v1/extracts/runs", token).json()) {
                    if ("schedule".equals(run.get("trigger").asText()) && !"RUNNING".equals(run.get("outcome").asText())) {
                        scheduledRun = run;
                    }
                }
                Thread.sleep(100);
            }
            assertTrue(scheduledRun != null, "a run started by the cron schedule");
            assertEquals(4, reqcheck.patients.size());
        }
    }

    @Test
    void fileModeWritesCsvInsteadOfPosting() throws Exception {
        seedSmall();
        JsonNode run = run("?mode=FILE");
        assertEquals("SUCCESS", run.get("outcome").asText(), run.toString());
        assertEquals("FILE", run.get("mode").asText());
        Path csv = dataDir.resolve("extracts").resolve(run.get("id").asText()).resolve("patients.csv");
        List<String> lines = Files.readAllLines(csv);
        assertEquals("patient_number,first_name,last_name,dob,hd_mpfile_updated_at,address,city,state,zip_code,gender,family_number", lines.get(0));
        assertEquals(6, lines.size());
        assertTrue(lines.get(1).startsWith("0,ECHO,TESTPATIENT,1984-05-06,"), lines.get(1));
        assertTrue(reqcheck.patients.isEmpty(), "nothing posted");
    }

    @Test
    void wrongCredentialsFailTheRunClearly() throws Exception {
        seedSmall();
        try (TestCaravan other = TestCaravan.start(extractSettings("wrong", "src/test/resources/extracts"))) {
            HttpApi.Response r = other.http.send("POST", "/caravan/v1/extracts/runs", token, null);
            String id = r.json().get("id").asText();
            JsonNode run = null;
            for (int i = 0; i < 100; i++) {
                run = other.http.get("/caravan/v1/extracts/runs/" + id, token).json();
                if (!"RUNNING".equals(run.get("outcome").asText())) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals("FAILED", run.get("outcome").asText());
            assertEquals("ReqCheck refused the credentials (HTTP 401)", run.get("error").asText());
        }
        assertEquals(403, caravan.http.send("POST", "/caravan/v1/extracts/runs", Tokens.internal("read:extracts"), null).status());
    }

    @Test
    void hundredThousandRowsInStreamedBatches() throws Exception {
        sql("INSERT INTO extract_src.patients SELECT g, 'FIRST' || g, 'LAST' || g, DATE '1950-01-01' + (g % 20000), "
                + "now() - interval '1 day', NULL, NULL, NULL, NULL, NULL, NULL FROM generate_series(1, 100000) g");
        Path big = Files.createTempDirectory("caravan-big-extract");
        Files.writeString(big.resolve("patients.dataset.json"),
                "{\"name\": \"patients\", \"query\": \"patients.sql\", \"template\": \"patient.template.json\", "
                        + "\"endpoint\": \"patient_data\", \"batch_size\": 1000}");
        Files.copy(Path.of("src/test/resources/extracts/patients.sql"), big.resolve("patients.sql"));
        Files.copy(Path.of("src/test/resources/extracts/patient.template.json"), big.resolve("patient.template.json"));
        try (TestCaravan other = TestCaravan.start(extractSettings(ReqCheckStub.PASSWORD, big.toString()))) {
            String id = other.http.send("POST", "/caravan/v1/extracts/runs", token, null).json().get("id").asText();
            JsonNode run = null;
            for (int i = 0; i < 1200; i++) {
                run = other.http.get("/caravan/v1/extracts/runs/" + id, token).json();
                if (!"RUNNING".equals(run.get("outcome").asText())) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals("SUCCESS", run.get("outcome").asText(), run.toString());
            assertEquals(100_000, dataset(run, "patients").get("rows").asInt());
            assertEquals(100, dataset(run, "patients").get("batches").asInt());
        }
        assertEquals(100_000, reqcheck.patients.size());
        assertTrue(reqcheck.patientBatchSizes.stream().allMatch(n -> n == 1000));
    }
}
