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
        HttpRequest request = HttpRequest.newBuilder(URI.create(url(path)))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }

    private String url(String path) {
        return base + "/" + path.replaceAll("^/+", "");
    }

    /** Where a POST to {@code path} goes, for errors and logs: scheme, host, port and path, never user-info or query. */
    public String displayUrl(String path) {
        try {
            URI u = URI.create(url(path));
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            return "(the configured caravan.reqcheck.url)";
        }
    }

    /** What went wrong with a request that got no answer, in words (the JDK's messages are often empty). */
    public static String describe(IOException e) {
        if (e instanceof java.net.http.HttpConnectTimeoutException) {
            return "connection timed out";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        if (e instanceof java.net.ConnectException) {
            Throwable cause = e.getCause();
            if (cause instanceof java.nio.channels.UnresolvedAddressException) {
                return "unknown host";
            }
            return "connection refused";
        }
        if (e instanceof java.net.UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS failure (" + e.getClass().getSimpleName() + ")";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null || e.getMessage().isBlank() ? "" : ": "
                + (e.getMessage().length() > 120 ? e.getMessage().substring(0, 120) : e.getMessage()));
    }
}
