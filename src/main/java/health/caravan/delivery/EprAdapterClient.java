package health.caravan.delivery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Sends an HL7 v2 message to the EPR service adapter: {@code POST {base}/epr/v1/hl7_message} with
 * {@code {"type": "hl7v2", "body": base64}} and an HS512 JWT ({@code iss} = {@code aud} = the EPR
 * issuer, the configured scope, 10 minutes). Connection failures, timeouts, 5xx and 2xx answers
 * without an ACK are transient; other 4xx are permanent.
 */
public final class EprAdapterClient {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;
    private final URI endpoint;
    private final String issuer;
    private final byte[] key;
    private final String scope;
    private final Duration timeout;

    public EprAdapterClient(String baseUrl, String issuer, String hsKey, String scope, Duration timeout) {
        this.endpoint = URI.create(baseUrl.replaceAll("/+$", "") + "/epr/v1/hl7_message");
        this.issuer = issuer;
        this.key = hsKey == null ? new byte[0] : hsKey.getBytes(StandardCharsets.UTF_8);
        this.scope = scope;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public Attempt send(String hl7) {
        String body = "{\"type\":\"hl7v2\",\"body\":\"" + Base64.getEncoder().encodeToString(hl7.getBytes(StandardCharsets.UTF_8)) + "\"}";
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("X-Request-ID", UUID.randomUUID().toString())
                .header("Authorization", "Bearer " + token())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        PartnerCall call = PartnerCall.send(http, request, timeout);
        if (call.failure() != null) {
            return call.failure();
        }
        HttpResponse<String> response = call.response();
        int status = response.statusCode();
        if (status >= 500 || status == 429 || status == 408) {
            return new Attempt(Attempt.TRANSIENT, status, "EPR adapter answered HTTP " + status, null);
        }
        if (status >= 300) {
            return new Attempt(Attempt.PERMANENT, status, "EPR adapter refused the message: HTTP " + status, null);
        }
        try {
            JsonNode answer = json.readTree(response.body());
            JsonNode ack = answer == null ? null : answer.get("body");
            if (ack == null || !ack.isTextual()) {
                return new Attempt(Attempt.TRANSIENT, status, "EPR adapter answered without an ACK", null);
            }
            return new Attempt(Attempt.DELIVERED, status, "accepted",
                    new String(Base64.getMimeDecoder().decode(ack.asText()), StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            return new Attempt(Attempt.TRANSIENT, status, "EPR adapter answer is not a JSON ACK", null);
        }
    }

    private String token() {
        try {
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(issuer)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
                    .claim("scope", scope).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), claims);
            jwt.sign(new MACSigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the EPR adapter token (CARAVAN_EPR_HS_KEY needs 64 bytes for HS512)", e);
        }
    }
}
