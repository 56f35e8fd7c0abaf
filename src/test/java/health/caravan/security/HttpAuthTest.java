package health.caravan.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import health.caravan.support.HttpApi;
import health.caravan.support.Messages;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;

/** The auth matrix: per-route scopes and issuers, 401 versus 403, RS256 through a JWKS URL, open endpoints. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpAuthTest {

    private static final String READ = "read:hl7_message";
    private static final String WRITE = "write:hl7_message";

    private TestCaravan caravan;
    private HttpApi http;

    private RSAKey rsaKey;
    private HttpServer jwks;

    @BeforeAll
    void start() throws Exception {
        // an identity provider publishing its RS256 key as a JWKS, played by a real HTTP server
        rsaKey = new RSAKeyGenerator(2048).keyID("test-rs256").generate();
        byte[] jwksBody = new JWKSet(rsaKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/.well-known/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwksBody.length);
            exchange.getResponseBody().write(jwksBody);
            exchange.close();
        });
        jwks.start();
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.jwt.jwks-url", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/.well-known/jwks.json");
        caravan = TestCaravan.start(o);
        http = caravan.http;
    }

    @AfterAll
    void stop() throws Exception {
        caravan.close();
        jwks.stop(0);
    }

    private String rs256(String issuer, String scope, RSAKey key) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(TestCaravan.ISSUER)
                .expirationTime(new Date(System.currentTimeMillis() + 300_000)).claim("scope", scope).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void rs256TokensThroughJwks() throws Exception {
        assertEquals(200, get(rs256(TestCaravan.ISSUER, READ, rsaKey)));
        assertEquals(403, get(rs256(TestCaravan.ISSUER, WRITE, rsaKey)));
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("test-rs256").generate();
        assertEquals(401, get(rs256(TestCaravan.ISSUER, READ, stranger)), "signed by a key not in the JWKS");
        assertEquals(401, get(rs256(TestCaravan.EPR_ISSUER, WRITE, rsaKey)), "the EPR issuer uses HMAC only");
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
