package health.caravan.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.GenericModelClassFactory;
import ca.uhn.hl7v2.util.Terser;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import health.caravan.support.Ack;
import health.caravan.support.Fixtures;
import health.caravan.support.HttpApi;
import health.caravan.support.Messages;
import health.caravan.support.MllpClient;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;

/**
 * The inbound pipeline end to end against PostgreSQL: every Polaris fixture over MLLP and over HTTP,
 * duplicates, the message API, pipelining, many connections and character sets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Hl7InboundPostgresTest {

    private TestCaravan caravan;
    private HttpApi http;
    private final String token = Tokens.readWrite();

    @BeforeAll
    void start() throws Exception {
        caravan = TestCaravan.startOnPostgres();
        http = caravan.http;
    }

    @AfterAll
    void stop() throws Exception {
        caravan.close();
    }

    @BeforeEach
    void emptyTables() throws Exception {
        TestCaravan.truncatePostgres();
    }

    List<Fixtures.Inbound> utcFixtures() {
        return Fixtures.inbound().stream().filter(f -> "UTC".equals(f.zone())).toList();
    }

    @ParameterizedTest(name = "MLLP {0}")
    @MethodSource("utcFixtures")
    void fixtureOverMllp(Fixtures.Inbound fixture) throws Exception {
        String ack;
        try (MllpClient client = caravan.mllp()) {
            ack = client.send(fixture.bytes());
        }
        assertNotNull(ack, "an ACK");
        checkAckAndRow(fixture, ack, "MLLP");
    }

    @ParameterizedTest(name = "HTTP {0}")
    @MethodSource("utcFixtures")
    void fixtureOverHttp(Fixtures.Inbound fixture) throws Exception {
        HttpApi.Response r = http.postHl7(token, fixture.bytes());
        assertEquals(200, r.status(), r.body());
        assertEquals("HL7v2", r.json().get("type").asText());
        checkAckAndRow(fixture, r.ack(), "HTTP");
        assertEquals(r.json().get("uuid").asText(), onlyRow().get("uuid"));
    }

    private void checkAckAndRow(Fixtures.Inbound fixture, String ackText, String transport) throws Exception {
        JsonNode e = fixture.expected();
        Ack ack = new Ack(ackText);
        assertEquals(e.get("ack_code").asText(), ack.code());
        String errText = e.get("err_text").isNull() ? null : e.get("err_text").asText();
        assertEquals(errText, ack.errText());
        assertTrue(ackText.endsWith("\r"), "ACK ends with a segment terminator");
        assertEquals(caravanSees(fixture, 10), ack.field("MSA", 2), "MSA-2 echoes MSH-10");

        Map<String, String> row = onlyRow();
        assertEquals(transport, row.get("transport"));
        assertEquals(e.get("ack_code").asText(), row.get("ack_status"));
        assertEquals(text(e.get("message_type")), row.get("message_type"));
        assertEquals(text(e.get("message_control_id")), row.get("message_control_id"));
        assertEquals(text(e.get("sent_at")), row.get("sent_at"));
        JsonNode ids = e.get("patient_identifiers");
        assertEquals(ids.isNull() ? null : text(ids.get("MRN")), row.get("mrn"));
        assertEquals(ids.isNull() ? null : text(ids.get("NHS number")), row.get("nhs_number"));
        assertEquals(ids.isNull() ? null : text(ids.get("Visit ID")), row.get("visit_id"));
        assertEquals(new String(fixture.bytes(), StandardCharsets.ISO_8859_1), row.get("content"), "content as received");
        assertEquals(ackText, row.get("ack"), "the ACK sent is the ACK stored");
    }

    /** MSH-n of the fixture as received (whole field). */
    private static String caravanSees(Fixtures.Inbound fixture, int n) {
        String msh = fixture.text().split("[\r\n]")[0];
        return msh.split("\\|", -1)[n - 1];
    }

    @Test
    void duplicateControlIdIsRejectedAndStillStored() throws Exception {
        byte[] message = Messages.a01("DUP-0001", "800001").getBytes(StandardCharsets.ISO_8859_1);
        String first;
        String second;
        try (MllpClient client = caravan.mllp()) {
            first = client.send(message);
        }
        HttpApi.Response r = http.postHl7(token, message);
        second = r.ack();
        assertEquals("AA", new Ack(first).code());
        assertEquals("AR", new Ack(second).code());
        assertEquals("HL7 message appears to be duplicate", new Ack(second).errText());

        JsonNode found = http.get("/dhos/v1/message/search/DUP-0001", token).json();
        assertEquals(1, found.size(), "the duplicate row has no control id");
        JsonNode dup = http.get("/dhos/v1/message/" + r.json().get("uuid").asText(), token).json();
        assertEquals("AR", dup.get("ack_status").asText());
        assertTrue(dup.get("message_control_id").isNull());
        assertEquals(2, count("SELECT count(*) FROM hl7_message"));
        assertEquals(1, count("SELECT count(*) FROM hl7_message WHERE state = 'DUPLICATE'"));
    }

    @Test
    void sameControlIdAtTheSameTimeOnManyConnections() throws Exception {
        int senders = 8;
        int rounds = 5;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            for (int round = 0; round < rounds; round++) {
                String controlId = "RACE-" + round;
                byte[] message = Messages.a01(controlId, "800009").getBytes(StandardCharsets.ISO_8859_1);
                List<MllpClient> clients = new ArrayList<>();
                for (int i = 0; i < senders; i++) {
                    clients.add(caravan.mllp());
                }
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<Future<String>> acks = new ArrayList<>();
                for (MllpClient client : clients) {
                    acks.add(pool.submit(() -> {
                        go.await();
                        try (client) {
                            String ack = client.send(message);
                            return ack == null ? "none" : new Ack(ack).code();
                        }
                    }));
                }
                go.countDown();
                List<String> codes = new ArrayList<>();
                for (Future<String> f : acks) {
                    codes.add(f.get());
                }
                assertEquals(1, codes.stream().filter("AA"::equals).count(), controlId + " " + codes);
                assertEquals(senders - 1, codes.stream().filter("AR"::equals).count(), controlId + " " + codes);
                assertEquals(1, count("SELECT count(*) FROM hl7_message WHERE message_control_id = '" + controlId + "'"));
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(senders * rounds, count("SELECT count(*) FROM hl7_message"));
        assertEquals(rounds, count("SELECT count(*) FROM hl7_message WHERE state = 'ACCEPTED'"), "only the accepted ones are published");
        assertEquals((senders - 1) * rounds, count("SELECT count(*) FROM hl7_message WHERE state = 'DUPLICATE' AND ack_status = 'AR'"));
    }

    @Test
    void searchesAnswerOnePageAndLinkTheNext() throws Exception {
        int stored = MessageQueries.DEFAULT_LIMIT + 3;
        for (int i = 0; i < stored; i++) {
            assertEquals(200, http.postHl7(token, Messages.a01("PAGE-" + i, "800077").getBytes()).status());
        }
        String search = "/dhos/v1/message/search?identifier_type=MRN&identifier=800077";

        HttpResponse<String> first = http.getWithHeaders(search, token);
        assertEquals(200, first.statusCode());
        assertEquals(MessageQueries.DEFAULT_LIMIT, Fixtures.JSON.readTree(first.body()).size(), "the default page size");
        assertEquals("</dhos/v1/message/search?identifier_type=MRN&identifier=800077&limit=100&offset=100>; rel=\"next\"",
                first.headers().firstValue("Link").orElse(null));

        java.util.Set<String> seen = new java.util.HashSet<>();
        String next = search + "&limit=40";
        int pages = 0;
        while (next != null) {
            HttpResponse<String> page = http.getWithHeaders(next, token);
            assertEquals(200, page.statusCode(), page.body());
            JsonNode rows = Fixtures.JSON.readTree(page.body());
            assertTrue(rows.isArray() && rows.size() <= 40);
            rows.forEach(r -> assertTrue(seen.add(r.get("uuid").asText()), "no message on two pages"));
            next = page.headers().firstValue("Link").map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
            pages++;
        }
        assertEquals(stored, seen.size(), "the pages cover every message");
        assertEquals(3, pages);

        HttpResponse<String> last = http.getWithHeaders(search + "&limit=1000&offset=" + (stored - 1), token);
        assertEquals(1, Fixtures.JSON.readTree(last.body()).size());
        assertTrue(last.headers().firstValue("Link").isEmpty());
        assertEquals(0, http.get(search + "&offset=" + stored, token).json().size());

        for (String bad : List.of("limit=1001", "limit=0", "limit=x", "offset=-1", "offset=")) {
            HttpApi.Response r = http.get(search + "&" + bad, token);
            assertEquals(400, r.status(), bad);
            assertTrue(r.json().get("message").asText().startsWith("'" + bad.substring(0, bad.indexOf('=')) + "' must be an integer"), r.body());
            assertEquals(400, http.get("/dhos/v1/message/search/PAGE-1?" + bad, token).status(), bad);
        }

        HttpResponse<String> byControlId = http.getWithHeaders("/dhos/v1/message/search/PAGE-1?limit=1&offset=0", token);
        assertEquals(1, Fixtures.JSON.readTree(byControlId.body()).size());
        assertTrue(byControlId.headers().firstValue("Link").isEmpty());
        assertEquals(400, http.get("/dhos/v1/message/search/PAGE-1?other=1", token).status());
    }

    @Test
    void searchGetAndPatch() throws Exception {
        String u1 = http.postHl7(token, Messages.a01("SRCH-1", "800002").getBytes()).json().get("uuid").asText();
        String u2 = http.postHl7(token, Messages.a01("SRCH-2", "800002").getBytes()).json().get("uuid").asText();

        JsonNode byMrn = http.get("/dhos/v1/message/search?identifier_type=MRN&identifier=800002", token).json();
        assertEquals(2, byMrn.size());
        JsonNode byNhs = http.get("/dhos/v1/message/search?identifier_type=NHS%20number&identifier=9990000018", token).json();
        assertEquals(2, byNhs.size());
        JsonNode byVisit = http.get("/dhos/v1/message/search?identifier_type=Visit+ID&identifier=V800002", token).json();
        assertEquals(2, byVisit.size());
        HttpApi.Response unknownType = http.get("/dhos/v1/message/search?identifier_type=mrn&identifier=800002", token);
        assertEquals(400, unknownType.status());
        assertTrue(unknownType.json().get("message").asText().contains("'identifier_type' must be one of: NHS number, MRN, Visit ID"),
                unknownType.body());
        assertEquals(400, http.get("/dhos/v1/message/search?identifier_type=MRN", token).status());
        assertEquals(400, http.get("/dhos/v1/message/search?identifier_type=MRN&identifier=1&extra=1", token).status());
        assertEquals(0, http.get("/dhos/v1/message/search/NO-SUCH-ID", token).json().size());

        JsonNode m = http.get("/dhos/v1/message/" + u1, token).json();
        assertEquals(List.of("uuid", "created", "created_by", "modified", "modified_by", "content", "message_type",
                "sent_at", "is_processed", "src_description", "dst_description", "message_control_id", "ack_status"),
                fieldNames(m));
        assertEquals("ADT^A01", m.get("message_type").asText());
        assertEquals("2024-01-01T10:15:00.000Z", m.get("sent_at").asText());
        assertEquals("tie", m.get("src_description").asText());
        assertEquals("dhos", m.get("dst_description").asText());
        assertEquals("test-system", m.get("created_by").asText());
        assertFalse(m.get("is_processed").asBoolean());
        assertTrue(m.get("created").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));

        assertEquals(204, http.send("PATCH", "/dhos/v1/message/" + u1, token, "{\"is_processed\": true}").status());
        assertTrue(http.get("/dhos/v1/message/" + u1, token).json().get("is_processed").asBoolean());
        HttpApi.Response extra = http.send("PATCH", "/dhos/v1/message/" + u2, token, "{\"is_processed\": true, \"message_type\": \"X\"}");
        assertEquals(400, extra.status());
        assertNotNull(extra.json().get("message"));
        assertEquals("ADT^A01", http.get("/dhos/v1/message/" + u2, token).json().get("message_type").asText());
        assertEquals(400, http.send("PATCH", "/dhos/v1/message/" + u2, token, "{}").status());
        assertEquals(400, http.send("PATCH", "/dhos/v1/message/" + u2, token, "{\"is_processed\": \"yes\"}").status());
        assertEquals(404, http.send("PATCH", "/dhos/v1/message/nope", token, "{\"is_processed\": true}").status());
        HttpApi.Response missing = http.get("/dhos/v1/message/nope", token);
        assertEquals(404, missing.status());
        assertNotNull(missing.json().get("message"));
        assertTrue(count("SELECT count(*) FROM audit_event WHERE message_uuid = '" + u1 + "'") >= 2, "reads and changes audited");
    }

    @Test
    void badHttpBodiesAreStoredAndAnswered400() throws Exception {
        String[][] cases = {
                {"not json", "INVALID_REQUEST"},
                {"[1,2]", "INVALID_REQUEST"},
                {"{\"type\":\"HL7v3\",\"body\":\"TVNI\"}", "INVALID_REQUEST"},
                {"{\"type\":\"HL7v2\"}", "INVALID_REQUEST"},
                {"{\"type\":\"HL7v2\",\"body\":\"!!!not base64!!!\"}", "UNDECODABLE"},
                {"{\"type\":\"HL7v2\",\"body\":\"" + Base64.getEncoder().encodeToString(new byte[] {'M', 'S', 'H', (byte) 0xC3, (byte) 0x28}) + "\"}", "UNDECODABLE"},
                {"{\"type\":\"HL7v2\",\"body\":\"" + Base64.getEncoder().encodeToString("hello world".getBytes()) + "\"}", "NOT_HL7"},
        };
        for (String[] c : cases) {
            HttpApi.Response r = http.send("POST", "/dhos/v1/message", token, c[0]);
            assertEquals(400, r.status(), c[0]);
            JsonNode body = r.json();
            assertNotNull(body.get("message").asText(), c[0]);
            String uuid = body.get("uuid").asText();
            assertEquals(c[1], row(uuid).get("state"), c[0]);
        }
        assertEquals(cases.length, count("SELECT count(*) FROM hl7_message"));
        assertEquals("!!!not base64!!!", row(http.send("POST", "/dhos/v1/message", token,
                "{\"type\":\"HL7v2\",\"body\":\"!!!not base64!!!\"}").json().get("uuid").asText()).get("content"));
    }

    @Test
    void oversizedHttpBodiesAreRefused() throws Exception {
        String huge = "{\"type\":\"HL7v2\",\"body\":\"" + "A".repeat(21 * 1024 * 1024) + "\"}";
        assertEquals(413, http.send("POST", "/dhos/v1/message", token, huge).status());
        assertEquals(200, http.get("/running", null).status(), "the server carries on");
    }

    @Test
    void mllpGarbageGetsANakAndIsStored() throws Exception {
        try (MllpClient client = caravan.mllp()) {
            Ack nak = new Ack(client.send("hello, not HL7"));
            assertEquals("AR", nak.code());
            assertTrue(nak.errText().startsWith("Message is not HL7 v2"));
            // bytes before the start block, then a frame: the frame is still answered
            client.sendRaw("noise".getBytes());
            assertEquals("AA", new Ack(client.send(Messages.a01("GARB-1", "800003"))).code());
            // a frame without a start block is answered too
            client.sendRaw(new byte[] {'x', 'y', 0x1c, 0x0d});
            assertEquals("AR", new Ack(client.readAck(StandardCharsets.ISO_8859_1)).code());
            assertEquals("AA", new Ack(client.send(Messages.a01("GARB-2", "800003"))).code());
        }
        assertEquals(2, count("SELECT count(*) FROM hl7_message WHERE state = 'NOT_HL7' AND transport = 'MLLP'"));
    }

    @Test
    void pipelinedFramesEachGetTheirAckInOrder() throws Exception {
        int frames = 200; // enough to land in several group commits, which may finish in any order
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            all.write(MllpClient.frame(Messages.a01("PIPE-" + i, "80001" + (i % 10)).getBytes()));
        }
        try (MllpClient client = caravan.mllp(); MllpClient other = caravan.mllp()) {
            client.sendRaw(all.toByteArray());
            // another connection busy at the same time, so the writers interleave
            for (int i = 0; i < 20; i++) {
                assertEquals("AA", new Ack(other.send(Messages.a01("OTHER-" + i, "809999"))).code());
            }
            for (int i = 0; i < frames; i++) {
                Ack ack = new Ack(client.readAck(StandardCharsets.ISO_8859_1));
                assertEquals("AA", ack.code());
                assertEquals("PIPE-" + i, ack.field("MSA", 2), "ACK " + i + " in order");
            }
        }
        assertEquals(frames + 20, count("SELECT count(*) FROM hl7_message WHERE state = 'ACCEPTED'"));
    }

    @Test
    void sixtyFourConnectionsAtOnce() throws Exception {
        int connections = 64;
        int perConnection = 5;
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<MllpClient> clients = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                clients.add(caravan.mllp()); // all 64 open at the same time
            }
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                MllpClient client = clients.get(c);
                int conn = c;
                Callable<Integer> task = () -> {
                    int aa = 0;
                    for (int i = 0; i < perConnection; i++) {
                        if ("AA".equals(new Ack(client.send(Messages.a01("CONN-" + conn + "-" + i, "9" + conn))).code())) {
                            aa++;
                        }
                    }
                    client.close();
                    return aa;
                };
                results.add(pool.submit(task));
            }
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get();
            }
            assertEquals(connections * perConnection, total);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(64 * 5, count("SELECT count(*) FROM hl7_message WHERE state = 'ACCEPTED'"));
    }

    @Test
    void charsetFromMsh18ElseDefault() throws Exception {
        String latin = Messages.a01("CS-1", "800020").replace("2.3\r", "2.3||||||8859/1\r").replace("TESTPATIENT", "MÜLLER");
        String utf8 = Messages.a01("CS-2", "800021").replace("2.3\r", "2.3||||||UNICODE UTF-8\r").replace("TESTPATIENT", "MÜLLER");
        String undeclared = Messages.a01("CS-3", "800022").replace("TESTPATIENT", "MÜLLER");
        try (MllpClient client = caravan.mllp()) {
            client.sendRaw(MllpClient.frame(latin.getBytes(StandardCharsets.ISO_8859_1)));
            assertEquals("AA", new Ack(client.readAck(StandardCharsets.ISO_8859_1)).code());
            client.sendRaw(MllpClient.frame(utf8.getBytes(StandardCharsets.UTF_8)));
            assertEquals("AA", new Ack(client.readAck(StandardCharsets.UTF_8)).code());
            client.sendRaw(MllpClient.frame(undeclared.getBytes(StandardCharsets.ISO_8859_1)));
            assertEquals("AA", new Ack(client.readAck(StandardCharsets.ISO_8859_1)).code());
        }
        for (String id : List.of("CS-1", "CS-2", "CS-3")) {
            assertTrue(rowByControlId(id).get("content").contains("MÜLLER"), id);
        }
        assertEquals("UTF-8", rowByControlId("CS-2").get("charset"));
        assertEquals("ISO-8859-1", rowByControlId("CS-3").get("charset"));
    }

    /**
     * HAPI's own MLLP client, honouring MSH-18 both ways, sends a v2.3 message in UTF-8 with a non-ASCII
     * MSH-4: the NAK it correlates and parses declares the same character set, so MSH-6 reads right, and
     * has the v2.3 layout (reason in MSA-3, ERR-1 segment^sequence^field^table 0357 code).
     */
    @Test
    void hapiClientReadsTheNakToAUtf8V23Sender() throws Exception {
        String message = "MSH|^~\\&|TIE|KÖLN-SÜD|CARAVAN|CARAVAN|20240101101500||ORU^R01|HAPI-1|P|2.3||||||UNICODE UTF-8\r"
                + "PID|1||800030^^^^MRN\r";
        try (HapiContext hapi = new DefaultHapiContext(new GenericModelClassFactory())) {
            hapi.setLowerLayerProtocol(new MinLowerLayerProtocol(true));
            ca.uhn.hl7v2.app.Connection connection = hapi.newClient("127.0.0.1", caravan.mllpPort, false);
            try {
                Message ack = connection.getInitiator().sendAndReceive(hapi.getPipeParser().parse(message));
                Terser t = new Terser(ack);
                assertEquals("UNICODE UTF-8", t.get("/MSH-18"), "MSH-18 mirrored");
                assertEquals("KÖLN-SÜD", t.get("/MSH-6"), "non-ASCII MSH-4 comes back as MSH-6 intact");
                assertTrue(t.get("/MSH-7").endsWith("+0000"), t.get("/MSH-7"));
                assertEquals("AR", t.get("/MSA-1"));
                assertEquals("HAPI-1", t.get("/MSA-2"));
                assertEquals("HL7 message of unexpected type 'ORU'", t.get("/MSA-3"));
                assertEquals("MSH", t.get("/ERR-1-1"));
                assertEquals("1", t.get("/ERR-1-2"));
                assertEquals("9", t.get("/ERR-1-3"));
                assertEquals("200", t.get("/ERR-1-4-1"));
                assertEquals("Unsupported message type", t.get("/ERR-1-4-2"));
                assertEquals("HL70357", t.get("/ERR-1-4-3"));
            } finally {
                connection.close();
            }
        }
        assertEquals("UTF-8", rowByControlId("HAPI-1").get("charset"));
    }

    @Test
    void mshWithoutTriggerIsRejectedOverBothTransports() throws Exception {
        String message = "MSH|^~\\&|A|B|C|D|20240101101500||ADT|NOTRIG-1|P|2.3\rPID|1||1^^^^MRN\r";
        try (MllpClient client = caravan.mllp()) {
            assertEquals("AR", new Ack(client.send(message)).code());
        }
        HttpApi.Response r = http.postHl7(token, message.replace("NOTRIG-1", "NOTRIG-2").getBytes());
        assertEquals(200, r.status());
        assertEquals("AR", new Ack(r.ack()).code());
    }

    // ---- helpers ----

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static long count(String sql) throws Exception {
        try (Connection c = TestCaravan.postgres(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, String> onlyRow() throws Exception {
        List<Map<String, String>> rows = rows("SELECT * FROM hl7_message", null);
        assertEquals(1, rows.size(), "one stored row");
        return rows.get(0);
    }

    private static Map<String, String> row(String uuid) throws Exception {
        List<Map<String, String>> rows = rows("SELECT * FROM hl7_message WHERE uuid = ?", uuid);
        assertEquals(1, rows.size(), "stored row " + uuid);
        return rows.get(0);
    }

    private static Map<String, String> rowByControlId(String controlId) throws Exception {
        List<Map<String, String>> rows = rows("SELECT * FROM hl7_message WHERE received_control_id = ?", controlId);
        assertEquals(1, rows.size(), "stored row " + controlId);
        return rows.get(0);
    }

    private static List<Map<String, String>> rows(String sql, String parameter) throws Exception {
        try (Connection c = TestCaravan.postgres(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            List<Map<String, String>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> row = new HashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnName(i).toLowerCase(), rs.getString(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    static {
        assertNull(null);
    }
}
