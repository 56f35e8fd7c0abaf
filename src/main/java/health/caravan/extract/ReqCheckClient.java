package health.caravan.extract;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** The ReqCheck API: {@code POST /heartbeat}, {@code POST /<endpoint>}, HTTP Basic on both. */
public final class ReqCheckClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String authorization;

    public ReqCheckClient(String baseUrl, String username, String password) {
        this.base = baseUrl.replaceAll("/+$", "");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                ((username == null ? "" : username) + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
    }

    public record Response(int status, String body) {
    }

    public Response post(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/" + path.replaceAll("^/+", "")))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }
}
