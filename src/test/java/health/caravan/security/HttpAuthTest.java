package health.caravan.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.nimbusds.jose.JWSAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import health.caravan.support.HttpApi;
import health.caravan.support.Messages;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;

/** The auth matrix: per-route scopes and issuers, 401 versus 403, open endpoints. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpAuthTest {

    private static final String READ = "read:hl7_message";
    private static final String WRITE = "write:hl7_message";

    private TestCaravan caravan;
    private HttpApi http;

    @BeforeAll
    void start() throws Exception {
        caravan = TestCaravan.startOnPostgres();
        http = caravan.http;
    }

    @AfterAll
    void stop() throws Exception {
        caravan.close();
    }

    private int post(String token) throws Exception {
        return http.postHl7(token, Messages.a01("AUTH-" + System.nanoTime(), "810001").getBytes()).status();
    }

    private int get(String token) throws Exception {
        return http.get("/dhos/v1/message/search/AUTH-NONE", token).status();
    }

    private int patch(String token) throws Exception {
        return http.send("PATCH", "/dhos/v1/message/no-such-uuid", token, "{\"is_processed\": true}").status();
    }

    @Test
    void missingOrInvalidTokensAre401() throws Exception {
        String expired = Tokens.sign(TestCaravan.ISSUER, TestCaravan.ISSUER, TestCaravan.HS_KEY, READ + " " + WRITE, -10, JWSAlgorithm.HS256);
        String wrongKey = Tokens.sign(TestCaravan.ISSUER, TestCaravan.ISSUER, TestCaravan.HS_KEY.replace('t', 'x'), READ + " " + WRITE, 300, JWSAlgorithm.HS512);
        String wrongAudience = Tokens.sign(TestCaravan.ISSUER, "http://elsewhere/", TestCaravan.HS_KEY, READ + " " + WRITE, 300, JWSAlgorithm.HS512);
        String unknownIssuer = Tokens.sign("http://stranger/", TestCaravan.ISSUER, TestCaravan.HS_KEY, READ + " " + WRITE, 300, JWSAlgorithm.HS512);
        for (String token : new String[] {null, "not-a-jwt", expired, wrongKey, wrongAudience, unknownIssuer}) {
            assertEquals(401, post(token), "POST " + token);
            assertEquals(401, get(token), "GET " + token);
            assertEquals(401, patch(token), "PATCH " + token);
        }
        HttpApi.Response r = http.get("/dhos/v1/message/x", null);
        assertNotNull(r.json().get("message"));
    }

    @Test
    void scopesAndIssuersPerRoute() throws Exception {
        String readOnly = Tokens.internal(READ);
        String writeOnly = Tokens.internal(WRITE);
        String both = Tokens.readWrite();
        String hs256 = Tokens.sign(TestCaravan.ISSUER, TestCaravan.ISSUER, TestCaravan.HS_KEY, READ + " " + WRITE, 300, JWSAlgorithm.HS256);
        String eprWrite = Tokens.epr(WRITE);
        String eprBoth = Tokens.epr(READ + " " + WRITE);
        String eprRead = Tokens.epr(READ);

        assertEquals(200, post(both));
        assertEquals(200, post(writeOnly));
        assertEquals(200, post(hs256));
        assertEquals(403, post(readOnly));
        assertEquals(200, post(eprWrite), "the EPR adapter may post messages");
        assertEquals(403, post(eprRead));

        assertEquals(200, get(both));
        assertEquals(200, get(readOnly));
        assertEquals(403, get(writeOnly));
        assertEquals(403, get(eprBoth), "the EPR adapter may not read");

        assertEquals(404, patch(both), "authorised (then no such message)");
        assertEquals(403, patch(readOnly));
        assertEquals(403, patch(eprBoth), "the EPR adapter may not patch");
        HttpApi.Response forbidden = http.get("/dhos/v1/message/search/X", writeOnly);
        assertEquals("Forbidden", forbidden.json().get("message").asText());
    }

    @Test
    void openEndpoints() throws Exception {
        assertEquals("{\"running\": true}", http.get("/running", null).body());
        assertEquals(200, http.get("/version", null).status());
        assertNotNull(http.get("/version", null).json().get("hash"));
        assertEquals(200, http.get("/observe/health", null).status());
        assertEquals(200, http.get("/openapi.yaml", null).status());
    }
}
