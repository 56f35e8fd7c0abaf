package health.caravan.security;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Verifies bearer JWTs (nimbus-jose-jwt): HS256/384/512 with the internal key or the EPR adapter's
 * key, RS256 through a JWKS URL for the internal issuer. Every token must carry {@code exp} and have
 * the internal issuer as audience; no clock leeway.
 */
public final class JwtAuthenticator {

    public static final String INTERNAL = "internal";
    public static final String EPR = "epr";
    private static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);

    private final String internalIssuer;
    private final byte[] internalKey;
    private final boolean generatedKey;
    private final String eprIssuer;
    private final ConfigurableJWTProcessor<SecurityContext> internalHmac;
    private final ConfigurableJWTProcessor<SecurityContext> internalJwks;
    private final ConfigurableJWTProcessor<SecurityContext> eprHmac;

    /**
     * @param generateMissingKey development mode only: without an internal HS key, generate one for this
     *                           process; otherwise no HMAC token is accepted from the internal issuer
     */
    public JwtAuthenticator(String internalIssuer, String internalHsKey, String eprIssuer, String eprHsKey, String jwksUrl,
                            boolean generateMissingKey) throws Exception {
        this.internalIssuer = internalIssuer;
        boolean missing = internalHsKey == null || internalHsKey.isBlank();
        this.generatedKey = missing && generateMissingKey;
        if (generatedKey) {
            byte[] key = new byte[64];
            new SecureRandom().nextBytes(key);
            this.internalKey = key;
        } else {
            this.internalKey = missing ? null : keyBytes(internalHsKey, "CARAVAN_JWT_HS_KEY");
        }
        this.internalHmac = internalKey == null ? null
                : processor(internalIssuer, new JWSVerificationKeySelector<>(HMAC, new ImmutableSecret<>(internalKey)));
        this.internalJwks = jwksUrl == null || jwksUrl.isBlank() ? null
                : processor(internalIssuer, new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                        JWKSourceBuilder.create(new URL(jwksUrl)).build()));
        this.eprIssuer = eprIssuer == null || eprIssuer.isBlank() ? null : eprIssuer;
        this.eprHmac = this.eprIssuer == null || eprHsKey == null || eprHsKey.isBlank() ? null
                : processor(eprIssuer, new JWSVerificationKeySelector<>(HMAC, new ImmutableSecret<>(keyBytes(eprHsKey, "CARAVAN_EPR_HS_KEY"))));
    }

    private static byte[] keyBytes(String key, String name) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 32) {
            throw new IllegalArgumentException(name + " must be at least 32 bytes (256 bits); HS384 and HS512 tokens need 48 and 64 bytes");
        }
        return bytes;
    }

    private ConfigurableJWTProcessor<SecurityContext> processor(String issuer,
                                                                 JWSVerificationKeySelector<SecurityContext> keys) {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(keys);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                internalIssuer, new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp"));
        claims.setMaxClockSkew(0);
        p.setJWTClaimsSetVerifier(claims);
        return p;
    }

    public boolean usesGeneratedKey() {
        return generatedKey;
    }

    /**
     * Authenticates an {@code Authorization} header value.
     *
     * @throws AuthException 401 when missing, malformed, unsigned by a known key, expired or for another audience
     */
    public Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new AuthException(401, "Missing bearer token");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new AuthException(401, "Authorization header is not a bearer token");
        }
        String token = authorization.substring(7).trim();
        SignedJWT jwt;
        String issuer;
        try {
            jwt = SignedJWT.parse(token);
            issuer = jwt.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw new AuthException(401, "Malformed bearer token");
        }
        String group;
        ConfigurableJWTProcessor<SecurityContext> processor;
        if (eprIssuer != null && eprIssuer.equals(issuer) && eprHmac != null) {
            group = EPR;
            processor = eprHmac;
        } else if (internalIssuer.equals(issuer)) {
            group = INTERNAL;
            boolean rsa = JWSAlgorithm.Family.RSA.contains(jwt.getHeader().getAlgorithm());
            processor = rsa ? internalJwks : internalHmac;
        } else {
            throw new AuthException(401, "Unknown token issuer");
        }
        if (processor == null) {
            throw new AuthException(401, "Token algorithm not accepted");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (BadJOSEException | JOSEException e) {
            throw new AuthException(401, "Invalid bearer token");
        }
        return new Caller(group, scopes(claims), systemId(claims));
    }

    /**
     * Checks that the caller's issuer may use this route and that the token has the scope.
     *
     * @throws AuthException 403 otherwise
     */
    public static void authorize(Caller caller, String scope, Set<String> issuerGroups) {
        if (!issuerGroups.contains(caller.issuerGroup()) || !caller.scopes().contains(scope)) {
            throw new AuthException(403, "Forbidden");
        }
    }

    private static Set<String> scopes(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope");
        Set<String> scopes = new HashSet<>();
        if (scope instanceof String s) {
            for (String part : s.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    scopes.add(part);
                }
            }
        } else if (scope instanceof List<?> list) {
            list.forEach(o -> scopes.add(String.valueOf(o)));
        }
        return scopes;
    }

    private static String systemId(JWTClaimsSet claims) {
        Object metadata = claims.getClaim("metadata");
        if (metadata instanceof Map<?, ?> m) {
            for (String key : List.of("system_id", "patient_id", "device_id", "clinician_id")) {
                Object v = m.get(key);
                if (v != null) {
                    return String.valueOf(v);
                }
            }
        }
        return "unknown";
    }

    /** Signs a token with the internal key (used for the development token printed at start-up, and by tests). */
    public String issueInternalToken(String systemId, String scope, long validSeconds) {
        if (internalKey == null) {
            throw new IllegalStateException("no internal HS key configured");
        }
        try {
            Instant now = Instant.now();
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("system_id", systemId);
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .issuer(internalIssuer).audience(internalIssuer)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(validSeconds)))
                    .claim("scope", scope).claim("metadata", metadata).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), claims);
            jwt.sign(new MACSigner(internalKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
