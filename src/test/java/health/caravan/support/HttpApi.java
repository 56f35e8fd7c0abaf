package health.caravan.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;

/** A small HTTP client for Caravan's API in tests. */
public final class HttpApi {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public HttpApi(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public record Response(int status, String body) {
        public JsonNode json() {
            try {
                return Fixtures.JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }

        public String ack() {
            return new String(Base64.getDecoder().decode(json().get("body").asText()), StandardCharsets.UTF_8);
        }
    }

    public Response send(String method, String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }

    public Response get(String path, String token) throws IOException, InterruptedException {
        return send("GET", path, token, null);
    }

    public Response postHl7(String token, byte[] message) throws IOException, InterruptedException {
        String body = "{\"type\":\"HL7v2\",\"body\":\"" + Base64.getEncoder().encodeToString(message) + "\"}";
        return send("POST", "/dhos/v1/message", token, body);
    }

    /** A GET whose response headers matter (e.g. {@code Link}). */
    public HttpResponse<String> getWithHeaders(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
