package health.caravan.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * CDA out: schema validation, storage and forwarding to the Trust's Mirth Web Service Listener, played
 * by a real HTTP server answering SOAP responses, SOAP faults and 5xx as each test scripts it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CdaDeliveryTest {

    private static final String SOAP_OK = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
            + "<ns2:acceptMessageResponse xmlns:ns2=\"http://ws.connectors.connect.mirth.com/\"><return>ok</return>"
            + "</ns2:acceptMessageResponse></soap:Body></soap:Envelope>";
    private static final String SOAP_FAULT = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
            + "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>channel error</faultstring></soap:Fault></soap:Body></soap:Envelope>";

    private HttpServer mirth;
    private final ConcurrentLinkedQueue<String> script = new ConcurrentLinkedQueue<>();
    private volatile String fallback = "OK";
    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    private TestCaravan caravan;
    private final String token = Tokens.internal("write:hl7_message read:delivery write:delivery write:cda_document");

    @BeforeAll
    void start() throws Exception {
        mirth = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        mirth.createContext("/services/Mirth", exchange -> {
            received.add(Map.of("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    "authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                    "soapAction", String.valueOf(exchange.getRequestHeaders().getFirst("SOAPAction")),
                    "contentType", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"))));
            String mode = script.poll();
            mode = mode == null ? fallback : mode;
            int status = switch (mode) {
                case "FAULT" -> 500;
                case "503" -> 503;
                default -> 200;
            };
            byte[] body = ("FAULT".equals(mode) ? SOAP_FAULT : "503".equals(mode) ? "busy" : SOAP_OK).getBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/xml; charset=utf-8");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        mirth.start();
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.cda.url", "http://127.0.0.1:" + mirth.getAddress().getPort() + "/services/Mirth");
        o.put("caravan.cda.username", "caravan");
        o.put("caravan.cda.password", "s3cret");
        o.put("caravan.delivery.base-backoff-ms", "200");
        o.put("caravan.delivery.max-attempts", "3");
        o.put("caravan.delivery.poll-ms", "200");
        TestCaravan.truncatePostgres();
        caravan = TestCaravan.start(o);
    }

    @AfterAll
    void stop() throws Exception {
        caravan.close();
        mirth.stop(0);
    }

    @BeforeEach
    void reset() {
        script.clear();
        fallback = "OK";
        received.clear();
    }

    private static String observationSet(String fixture) throws Exception {
        return new String(Fixtures.resource("fixtures/polaris/oru/" + fixture + ".request.json"), StandardCharsets.UTF_8);
    }

    private String builtDocument() throws Exception {
        HttpApi.Response r = caravan.http.send("POST", "/caravan/v1/cda_document", token, observationSet("news2_full_venturi-28_dob"));
        assertEquals(200, r.status(), r.body());
        return r.body();
    }

    private HttpApi.Response postCda(String xml) throws Exception {
        ObjectNode body = Fixtures.JSON.createObjectNode().put("type", "HL7v3CDA").put("content", xml);
        return caravan.http.send("POST", "/dhos/v1/cda_message", token, body.toString());
    }

    @Test
    void validDocumentIsStoredAndForwardedAsSoap() throws Exception {
        String xml = builtDocument();
        HttpApi.Response r = postCda(xml);
        assertEquals(201, r.status(), r.body());
        assertEquals(1, received.size());
        Map<String, String> call = received.get(0);
        assertEquals("Basic " + Base64.getEncoder().encodeToString("caravan:s3cret".getBytes()), call.get("authorization"));
        assertEquals("\"\"", call.get("soapAction"));
        assertTrue(call.get("contentType").startsWith("text/xml"));
        String envelope = call.get("body");
        assertTrue(envelope.contains("<ws:acceptMessage><arg0>"));
        String arg0 = envelope.substring(envelope.indexOf("<arg0>") + 6, envelope.indexOf("</arg0>"))
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        assertEquals(xml, arg0, "the document travels unchanged");
        String uuid = r.json().get("uuid").asText();
        assertEquals("mirth", column(uuid, "dst_description"));
        assertEquals("t", column(uuid, "is_processed"), "processed once Mirth accepted it");
        JsonNode delivery = caravan.http.get("/caravan/v1/deliveries/" + r.json().get("delivery_id").asText(), token).json();
        assertEquals("DELIVERED", delivery.get("state").asText());
        assertEquals("CDA", delivery.get("kind").asText());
    }

    @Test
    void invalidDocumentIs400WithReasonsAndStored() throws Exception {
        HttpApi.Response r = postCda("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>no header</title></ClinicalDocument>");
        assertEquals(400, r.status());
        assertFalse(r.json().get("errors").isEmpty());
        assertEquals("REJECTED", column(r.json().get("uuid").asText(), "state"));
        assertEquals(0, received.size());
        // the stored reason names the rule and position, never a value of the document
        HttpApi.Response quoted = postCda("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><realmCode code=\"SMITH JOHN\"/></ClinicalDocument>");
        assertEquals(400, quoted.status());
        assertTrue(quoted.json().get("errors").get(0).asText().contains("SMITH JOHN"), "the sender sees the full reason");
        String errorText = column(quoted.json().get("uuid").asText(), "error_text");
        assertTrue(errorText.matches("CDA schema: cvc-pattern-valid at 1:\\d+ \\(\\d+ errors\\)"), errorText);
        HttpApi.Response wrongType = caravan.http.send("POST", "/dhos/v1/cda_message", token, "{\"type\": \"HL7v2\", \"content\": \"x\"}");
        assertEquals(400, wrongType.status());
        assertEquals("INVALID_REQUEST", column(wrongType.json().get("uuid").asText(), "state"), "refused requests are stored");
        assertEquals(400, caravan.http.send("POST", "/dhos/v1/cda_message", token, "{\"type\": \"HL7v3CDA\"}").status());
        assertEquals(400, caravan.http.send("POST", "/dhos/v1/cda_message", token, "{\"type\": \"HL7v3CDA\", \"content\": \"x\", \"extra\": 1}").status());
    }

    @Test
    void soapFaultIsDeadLetteredThenRetriedByHand() throws Exception {
        script.add("FAULT");
        HttpApi.Response r = postCda(builtDocument());
        assertEquals(502, r.status(), r.body());
        String id = r.json().get("delivery_id").asText();
        assertEquals("DEAD", caravan.http.get("/caravan/v1/deliveries/" + id, token).json().get("state").asText());
        assertEquals(202, caravan.http.send("POST", "/caravan/v1/deliveries/" + id + "/retry", token, null).status());
        assertEquals("DELIVERED", waitForState(id, "DELIVERED"));
    }

    @Test
    void unavailableListenerIsRetried() throws Exception {
        script.add("503");
        HttpApi.Response r = postCda(builtDocument());
        assertEquals(202, r.status(), r.body());
        assertEquals("DELIVERED", waitForState(r.json().get("delivery_id").asText(), "DELIVERED"));
        assertEquals(2, received.size());
    }

    @Test
    void builtDocumentsCanBeSentAndTheChartVariantBuilt() throws Exception {
        HttpApi.Response sent = caravan.http.send("POST", "/caravan/v1/cda_document?send=true", token, observationSet("sparse_room-air"));
        assertEquals(201, sent.status(), sent.body());
        assertEquals(1, received.size());
        HttpApi.Response chart = caravan.http.send("POST", "/caravan/v1/cda_document?variant=news2-chart&pdf_reference=%5C%5Cshare%5Cchart.pdf",
                token, observationSet("news2_full_room-air_dob"));
        assertEquals(200, chart.status());
        assertTrue(chart.body().contains("representation=\"TXT\">\\\\share\\chart.pdf</text>"));
        assertEquals(400, caravan.http.send("POST", "/caravan/v1/cda_document?variant=other", token, observationSet("sparse_room-air")).status());
        assertEquals(403, caravan.http.send("POST", "/caravan/v1/cda_document", Tokens.internal("write:hl7_message"),
                observationSet("sparse_room-air")).status());
    }

    @Test
    void noTargetIs501() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        try (TestCaravan bare = TestCaravan.start(o)) {
            ObjectNode body = Fixtures.JSON.createObjectNode().put("type", "HL7v3CDA").put("content", "<x/>");
            HttpApi.Response r = bare.http.send("POST", "/dhos/v1/cda_message", token, body.toString());
            assertEquals(501, r.status());
            assertEquals("<x/>", Fixtures.JSON.readTree(column(r.json().get("uuid").asText(), "content")).get("content").asText(),
                    "stored even though there is nowhere to send it");
        }
    }

    private String waitForState(String id, String state) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        String current = null;
        while (System.currentTimeMillis() < deadline) {
            current = caravan.http.get("/caravan/v1/deliveries/" + id, token).json().get("state").asText();
            if (state.equals(current)) {
                return current;
            }
            Thread.sleep(100);
        }
        return current;
    }

    private static String column(String uuid, String column) throws Exception {
        try (Connection c = TestCaravan.postgres();
             PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM hl7_message WHERE uuid = ?")) {
            ps.setString(1, uuid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
