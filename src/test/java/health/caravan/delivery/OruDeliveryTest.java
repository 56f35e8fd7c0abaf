package health.caravan.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import health.caravan.support.Fixtures;
import health.caravan.support.HttpApi;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;

/**
 * ORU^R01 out to the EPR service adapter, played by a real HTTP server that answers ACKs, 5xx, 4xx,
 * slowly, or not at all, as each test scripts it: first-time delivery, idempotent re-post, retry to
 * success, timeout, dead-letter and manual retry, permanent refusal, bad requests, restart with a
 * pending delivery.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OruDeliveryTest {

    private static final String ACK_AA = "MSH|^~\\&|OXON_TIE_ADT|OXON|c0481|OXON|20190702171301||ACK^A01|9183171301514230J4YP|P|2.3\r\nMSA|AA|TESTMSG3333";
    private static final String EPR_SCOPE = "write:epr_message";

    private HttpServer epr;
    private final ConcurrentLinkedQueue<String> script = new ConcurrentLinkedQueue<>();
    private volatile String fallback = "AA";
    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    private Map<String, String> settings;
    private java.nio.file.Path trustomer;
    private TestCaravan caravan;
    private final String token = Tokens.internal("read:hl7_message write:hl7_message read:delivery write:delivery");

    @BeforeAll
    void start() throws Exception {
        epr = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        epr.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        epr.createContext("/epr/v1/hl7_message", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(Map.of("body", body, "authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"))));
            String mode = script.poll();
            mode = mode == null ? fallback : mode;
            byte[] answer;
            int status;
            switch (mode) {
                case "503" -> { status = 503; answer = "{\"message\": \"busy\"}".getBytes(); }
                case "400" -> { status = 400; answer = "{\"message\": \"bad\"}".getBytes(); }
                case "SLOW" -> {
                    try {
                        Thread.sleep(2500);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                    status = 200;
                    answer = ack();
                }
                default -> { status = 200; answer = ack(); }
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        epr.start();
        settings = TestCaravan.defaults();
        settings.put("caravan.epr.url", "http://127.0.0.1:" + epr.getAddress().getPort());
        settings.put("caravan.epr.scope", EPR_SCOPE);
        settings.put("caravan.epr.timeout-ms", "1000");
        settings.put("caravan.delivery.base-backoff-ms", "200");
        settings.put("caravan.delivery.max-attempts", "3");
        settings.put("caravan.delivery.poll-ms", "200");
        trustomer = java.nio.file.Files.createTempFile("trustomer", ".json");
        java.nio.file.Files.write(trustomer, Fixtures.resource("fixtures/polaris/oru/trustomer.json"));
        settings.put("caravan.oru.settings", trustomer.toString());
        TestCaravan.truncatePostgres();
        caravan = TestCaravan.start(settings);
    }

    @AfterAll
    void stop() throws Exception {
        caravan.close();
        epr.stop(0);
    }

    @BeforeEach
    void reset() {
        script.clear();
        fallback = "AA";
        received.clear();
    }

    private static byte[] ack() {
        return ("{\"type\": \"hl7v2\", \"body\": \"" + Base64.getEncoder().encodeToString(ACK_AA.getBytes()) + "\"}").getBytes();
    }

    /** The fixture request with its own observation set uuid (so each test has its own control id). */
    private static String request(String fixture, String setUuid) throws Exception {
        JsonNode r = Fixtures.JSON.readTree(Fixtures.resource("fixtures/polaris/oru/" + fixture + ".request.json"));
        ((ObjectNode) r.get("actions").get(0).get("data").get("observation_set")).put("uuid", setUuid);
        return r.toString();
    }

    private HttpApi.Response post(String body) throws Exception {
        return caravan.http.send("POST", "/dhos/v1/oru_message", token, body);
    }

    private JsonNode waitForState(String deliveryId, String state) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        JsonNode d = null;
        while (System.currentTimeMillis() < deadline) {
            d = caravan.http.get("/caravan/v1/deliveries/" + deliveryId, token).json();
            if (state.equals(d.get("state").asText())) {
                return d;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("delivery never reached " + state + ": " + d);
    }

    @Test
    void deliveredOnTheFirstAttemptAndIdempotent() throws Exception {
        HttpApi.Response r = post(request("news2_full_room-air_dob", "0324e62b-88fb-4aef-b15c-ee0454ce997f"));
        assertEquals(204, r.status(), r.body());
        assertEquals(1, received.size());
        JsonNode sent = Fixtures.JSON.readTree(received.get(0).get("body"));
        assertEquals("hl7v2", sent.get("type").asText());
        String oru = new String(Base64.getDecoder().decode(sent.get("body").asText()), StandardCharsets.UTF_8);
        String expected = new String(Fixtures.resource("fixtures/polaris/oru/news2_full_room-air_dob.expected.hl7"), StandardCharsets.UTF_8);
        assertEquals(withoutMsh7(expected), withoutMsh7(oru), "the fixture, apart from MSH-7 (now)");

        SignedJWT jwt = SignedJWT.parse(received.get(0).get("authorization").substring("Bearer ".length()));
        assertTrue(jwt.verify(new MACVerifier(TestCaravan.EPR_KEY.getBytes(StandardCharsets.UTF_8))));
        assertEquals("HS512", jwt.getHeader().getAlgorithm().getName());
        assertEquals(TestCaravan.EPR_ISSUER, jwt.getJWTClaimsSet().getIssuer());
        assertEquals(List.of(TestCaravan.EPR_ISSUER), jwt.getJWTClaimsSet().getAudience());
        assertEquals(EPR_SCOPE, jwt.getJWTClaimsSet().getStringClaim("scope"));

        JsonNode stored = caravan.http.get("/dhos/v1/message/search/224ddf783bc4cc6c158f", token).json().get(0);
        assertEquals("ORU^R01^ORU_R01", stored.get("message_type").asText());
        assertEquals("AA", stored.get("ack_status").asText());
        assertTrue(stored.get("is_processed").asBoolean());
        assertEquals("dhos", stored.get("src_description").asText());
        assertEquals("tie", stored.get("dst_description").asText());

        assertEquals(204, post(request("news2_full_room-air_dob", "0324e62b-88fb-4aef-b15c-ee0454ce997f")).status());
        assertEquals(1, received.size(), "no second send once accepted");
    }

    @Test
    void transientFailureThenSuccess() throws Exception {
        script.add("503");
        HttpApi.Response r = post(request("sparse_room-air", "retry-set-1"));
        assertEquals(202, r.status(), r.body());
        String id = r.json().get("delivery_id").asText();
        JsonNode d = waitForState(id, "DELIVERED");
        JsonNode attempts = d.get("attempts");
        assertEquals(2, attempts.size());
        assertEquals("TRANSIENT", attempts.get(0).get("outcome").asText());
        assertEquals(503, attempts.get(0).get("http_status").asInt());
        assertEquals("DELIVERED", attempts.get(1).get("outcome").asText());
        assertEquals(204, post(request("sparse_room-air", "retry-set-1")).status(), "delivered by now: a re-post is a no-op");
        assertEquals(2, received.size());
    }

    @Test
    void timeoutIsTransient() throws Exception {
        script.add("SLOW");
        HttpApi.Response r = post(request("sparse_venturi-28", "slow-set-1"));
        assertEquals(202, r.status(), r.body());
        waitForState(r.json().get("delivery_id").asText(), "DELIVERED");
    }

    @Test
    void deadLetterThenManualRetry() throws Exception {
        fallback = "503";
        HttpApi.Response r = post(request("sparse_humidified-35", "dead-set-1"));
        assertEquals(202, r.status());
        String id = r.json().get("delivery_id").asText();
        JsonNode dead = waitForState(id, "DEAD");
        assertEquals(3, dead.get("attempts").size(), "max attempts, then dead-lettered");
        Thread.sleep(1000);
        assertEquals(3, received.size(), "nothing more is sent to a dead-lettered delivery");
        JsonNode listed = caravan.http.get("/caravan/v1/deliveries?state=DEAD", token).json();
        assertTrue(listed.toString().contains(id));
        fallback = "AA";
        assertEquals(202, caravan.http.send("POST", "/caravan/v1/deliveries/" + id + "/retry", token, null).status());
        waitForState(id, "DELIVERED");
        assertEquals(409, caravan.http.send("POST", "/caravan/v1/deliveries/" + id + "/retry", token, null).status(),
                "only a dead-lettered delivery can be retried");
        assertEquals(404, caravan.http.send("POST", "/caravan/v1/deliveries/nope/retry", token, null).status());
    }

    @Test
    void permanentRefusalIsDeadLetteredAnd400() throws Exception {
        script.add("400");
        HttpApi.Response r = post(request("sparse_high-flow-21", "refused-set-1"));
        assertEquals(400, r.status(), r.body());
        String id = r.json().get("delivery_id").asText();
        assertEquals("DEAD", caravan.http.get("/caravan/v1/deliveries/" + id, token).json().get("state").asText());
        assertEquals(202, caravan.http.send("POST", "/caravan/v1/deliveries/" + id + "/retry", token, null).status());
        waitForState(id, "DELIVERED");
    }

    @Test
    void nothingIsGeneratedWhenTheTrustomerSwitchesOrusOff() throws Exception {
        String original = java.nio.file.Files.readString(trustomer);
        try {
            java.nio.file.Files.writeString(trustomer, original.replace("\"generate_oru_messages\": true", "\"generate_oru_messages\": false"));
            assertEquals(204, post(request("sparse_room-air", "switched-off-1")).status());
            assertEquals(0, received.size());
            assertEquals(0, caravan.http.get("/dhos/v1/message/search/" + OruR01BuilderAccess.controlId("switched-off-1"), token).json().size());
        } finally {
            java.nio.file.Files.writeString(trustomer, original);
        }
    }

    @Test
    void badRequests() throws Exception {
        assertEquals(400, post("{\"actions\": [], \"extra\": 1}").status());
        assertEquals(400, post("{\"actions\": [{\"name\": \"something_else\", \"data\": {}}]}").status());
        assertEquals(400, post("{\"actions\": [{\"name\": \"process_observation_set\", \"data\": {\"patient\": {}, \"encounter\": {}}}]}").status());
        JsonNode r = Fixtures.JSON.readTree(request("sparse_room-air", "bad-set-1"));
        ((ObjectNode) r.get("actions").get(0).get("data").get("observation_set")).put("score_system", "pews");
        HttpApi.Response unknown = post(r.toString());
        assertEquals(400, unknown.status());
        assertEquals("Unexpected score system 'pews'", unknown.json().get("message").asText());
        assertEquals(403, caravan.http.send("POST", "/dhos/v1/oru_message", Tokens.internal("read:hl7_message"),
                request("sparse_room-air", "x")).status());
        assertEquals(0, received.size());

        // refused requests are stored all the same, and the answer says where
        HttpApi.Response notJson = post("this is not json");
        assertEquals(400, notJson.status());
        JsonNode stored = caravan.http.get("/dhos/v1/message/" + notJson.json().get("uuid").asText(), token).json();
        assertEquals("this is not json", stored.get("content").asText());
        assertEquals("dhos", stored.get("src_description").asText());
        String unknownUuid = unknown.json().get("uuid").asText();
        assertEquals(r.toString(), caravan.http.get("/dhos/v1/message/" + unknownUuid, token).json().get("content").asText());
    }

    @Test
    void requestValuesCannotInjectSegments() throws Exception {
        JsonNode r = Fixtures.JSON.readTree(request("news2_full_room-air_dob", "inject-set-1"));
        JsonNode data = r.get("actions").get(0).get("data");
        ((ObjectNode) data.get("encounter")).put("location_ods_code", "J-WD 5A\rPID|1||999^^^^MRN||Other^Patient");
        HttpApi.Response cr = post(r.toString());
        assertEquals(400, cr.status(), cr.body());
        assertEquals("encounter.location_ods_code", cr.json().get("field").asText());
        assertTrue(cr.json().get("message").asText().contains("control character"), cr.body());
        JsonNode stored = caravan.http.get("/dhos/v1/message/" + cr.json().get("uuid").asText(), token).json();
        assertEquals(r.toString(), stored.get("content").asText(), "the refused request is stored");

        JsonNode s = Fixtures.JSON.readTree(request("news2_full_room-air_dob", "inject-set-2"));
        ((ObjectNode) s.get("actions").get(0).get("data").get("observation_set")).put("score_value", "2");
        HttpApi.Response string = post(s.toString());
        assertEquals(400, string.status(), string.body());
        assertEquals("observation_set.score_value", string.json().get("field").asText());
        assertEquals("'observation_set.score_value' must be a JSON number", string.json().get("message").asText());
        assertNotNull(string.json().get("uuid"));
        assertEquals(0, received.size(), "nothing refused is sent");

        // delimiters are escaped, and the message is sent
        JsonNode d = Fixtures.JSON.readTree(request("news2_full_room-air_dob", "inject-set-3"));
        ((ObjectNode) d.get("actions").get(0).get("data").get("observation_set")).put("score_severity", "high|OBX~&\\");
        assertEquals(204, post(d.toString()).status());
        String oru = new String(Base64.getDecoder().decode(Fixtures.JSON.readTree(received.get(0).get("body")).get("body").asText()),
                StandardCharsets.UTF_8);
        assertTrue(oru.contains("|Severity||high\\F\\OBX\\R\\\\T\\\\E\\||"), oru);
    }

    @Test
    void pendingDeliveriesSurviveARestart() throws Exception {
        fallback = "503";
        HttpApi.Response r = post(request("spo2_change", "restart-set-1"));
        assertEquals(202, r.status());
        String id = r.json().get("delivery_id").asText();
        caravan.close();
        fallback = "AA";
        caravan = TestCaravan.start(settings);
        JsonNode d = waitForState(id, "DELIVERED");
        assertNotNull(d.get("delivered_at").asText());
    }

    private static String withoutMsh7(String hl7) {
        return hl7.replaceFirst("^(MSH(\\|[^|]*){5})\\|[^|]*", "$1|");
    }
}
