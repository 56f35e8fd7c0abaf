package health.caravan.support;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** Signs test tokens the way the internal issuer and the EPR adapter do. */
public final class Tokens {

    private Tokens() {
    }

    public static String sign(String issuer, String audience, String key, String scope, long expiresInSeconds,
                              JWSAlgorithm alg) {
        try {
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(expiresInSeconds)))
                    .claim("scope", scope).claim("metadata", Map.of("system_id", "test-system")).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
            jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String internal(String scope) {
        return sign(TestCaravan.ISSUER, TestCaravan.ISSUER, TestCaravan.HS_KEY, scope, 300, JWSAlgorithm.HS512);
    }

    public static String readWrite() {
        return internal("read:hl7_message write:hl7_message");
    }

    public static String epr(String scope) {
        return sign(TestCaravan.EPR_ISSUER, TestCaravan.ISSUER, TestCaravan.EPR_KEY, scope, 300, JWSAlgorithm.HS512);
    }
}
