package health.caravan.examples;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import health.caravan.web.ApiException;
import health.caravan.web.HttpResponses;

/**
 * {@code POST /sync}: GitHub's push webhook. With a secret configured the {@code X-Hub-Signature-256}
 * HMAC of the raw body must match (401 otherwise). "ping" is answered; pushes to other branches are
 * ignored (200, nothing done); a push to the synced branch requests a sync (202).
 */
public final class GitHubWebhook {

    private static final Logger LOG = LoggerFactory.getLogger(GitHubWebhook.class);

    private final ExamplesSync sync;
    private final String secret;

    public GitHubWebhook(ExamplesSync sync, String secret) {
        this.sync = sync;
        this.secret = secret == null || secret.isBlank() ? null : secret;
    }

    public void receive(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        if (secret != null && !WebhookSignature.matches(secret, body,
                exchange.getMessage().getHeader("X-Hub-Signature-256", String.class))) {
            LOG.warn("Webhook refused: missing or wrong X-Hub-Signature-256");
            throw new ApiException(401, "Missing or invalid X-Hub-Signature-256");
        }
        String event = exchange.getMessage().getHeader("X-GitHub-Event", String.class);
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType != null && !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "The webhook must send JSON (content type application/json)");
        }
        if ("ping".equalsIgnoreCase(event)) {
            HttpResponses.json(exchange, 200, Map.of("message", "pong"));
            return;
        }
        if (event != null && !"push".equalsIgnoreCase(event)) {
            HttpResponses.json(exchange, 200, Map.of("message", "Event '" + event + "' ignored"));
            return;
        }
        JsonNode payload;
        try {
            payload = HttpResponses.JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new ApiException(400, "The webhook body is not JSON");
        }
        if (payload == null || !payload.path("ref").isTextual()) {
            throw new ApiException(400, "The push payload has no 'ref'");
        }
        String ref = payload.path("ref").asText();
        String wanted = "refs/heads/" + sync.settings().branch();
        if (!ref.equals(wanted)) {
            LOG.info("Webhook push to {} ignored (syncing {})", ref, wanted);
            HttpResponses.json(exchange, 200, Map.of("message", "Push to " + ref + " ignored; syncing " + wanted));
            return;
        }
        String outcome = sync.request("webhook");
        if (outcome.equals("disabled")) {
            throw new ApiException(501, "No examples repository is configured (CARAVAN_EXAMPLES_REPO_URL)");
        }
        LOG.info("Webhook push to {}: sync {}", ref, outcome);
        HttpResponses.json(exchange, 202, Map.of("sync", outcome));
    }
}
