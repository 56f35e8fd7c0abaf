package health.caravan.fhir;

import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The steps of the {@code fhir-push} route, which sends queued transaction Bundles to the external FHIR
 * server with camel-fhir: claim the due Bundles in order, then record each outcome — delivered; DEAD on a
 * refusal of its content (400, 412, 422) or the last attempt; otherwise retried with exponential back-off. A
 * failure stops the round, so later Bundles never overtake an earlier one.
 */
public final class FhirPush {

    private static final Logger LOG = LoggerFactory.getLogger(FhirPush.class);
    static final String ITEM = "caravan.fhirPushItem";
    private static final int BATCH = 10;
    private static final long CLAIM_SECONDS = 600;

    private final FhirPushQueue queue;
    private final int maxAttempts;
    private final long baseBackoffMillis;
    private final long maxBackoffMillis;
    private volatile boolean roundFailed;

    public FhirPush(FhirPushQueue queue, int maxAttempts, long baseBackoffMillis, long maxBackoffMillis) {
        this.queue = queue;
        this.maxAttempts = maxAttempts;
        this.baseBackoffMillis = baseBackoffMillis;
        this.maxBackoffMillis = maxBackoffMillis;
    }

    /** The due Bundles this process could claim, oldest first. */
    public List<FhirPushQueue.Item> claimDue() throws SQLException {
        roundFailed = false;
        // a few at a time, claimed long enough for each to take its full timeout (a crashed process's claim
        // lapses after CLAIM_SECONDS and another replica carries on)
        List<FhirPushQueue.Item> due = queue.due(BATCH);
        List<FhirPushQueue.Item> claimed = new java.util.ArrayList<>(due.size());
        for (FhirPushQueue.Item item : due) {
            if (!queue.claim(item, CLAIM_SECONDS)) {
                break;
            }
            claimed.add(item);
        }
        return claimed;
    }

    /** Whether this Bundle may be sent now (no earlier Bundle of this round failed). */
    public boolean inLine() {
        return !roundFailed;
    }

    /** Puts the Bundle's JSON in the body for camel-fhir. */
    public String prepare(Exchange exchange) {
        FhirPushQueue.Item item = exchange.getMessage().getBody(FhirPushQueue.Item.class);
        exchange.setProperty(ITEM, item);
        // until this Bundle's outcome is recorded, later ones wait (a failure to record must not let them overtake)
        roundFailed = true;
        return item.bundle();
    }

    public void delivered(Exchange exchange) throws SQLException {
        FhirPushQueue.Item item = exchange.getProperty(ITEM, FhirPushQueue.Item.class);
        queue.attempted(item, "DELIVERED", 200, null, null);
        roundFailed = false;
        LOG.info("FHIR push {} (message {}) attempt {}: delivered", item.id(), item.messageUuid(), item.attempts() + 1);
    }

    public void failed(Exchange exchange) throws SQLException {
        FhirPushQueue.Item item = exchange.getProperty(ITEM, FhirPushQueue.Item.class);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        BaseServerResponseException response = find(error);
        Integer status = response == null || response.getStatusCode() == 0 ? null : response.getStatusCode();
        // a refusal of this Bundle's content; 401/403/404 and the like say the server or its configuration is
        // wrong (every Bundle would fail): those are retried and hold the line instead of dead-lettering it
        boolean refused = status != null && (status == 400 || status == 412 || status == 422);
        int attempts = item.attempts() + 1;
        // the server's status and exception class only: its messages can quote the resources
        String detail = status != null ? "HTTP " + status : error == null ? "unknown" : root(error).getClass().getSimpleName();
        if (refused || attempts >= maxAttempts) {
            queue.attempted(item, "DEAD", status, detail, null);
            roundFailed = false;
            LOG.warn("FHIR push {} (message {}) attempt {}: {} → DEAD", item.id(), item.messageUuid(), attempts, detail);
        } else {
            long delay = backoffMillis(attempts);
            queue.attempted(item, "PENDING", status, detail, LocalDateTime.now(java.time.ZoneOffset.UTC).plusNanos(delay * 1_000_000));
            LOG.warn("FHIR push {} (message {}) attempt {}: {} → retry in {} ms", item.id(), item.messageUuid(), attempts,
                    detail, delay);
        }
    }

    long backoffMillis(int attempts) {
        long exp = baseBackoffMillis << Math.min(20, attempts - 1);
        long capped = Math.min(maxBackoffMillis, exp < 0 ? maxBackoffMillis : exp);
        return (long) (capped * (0.8 + ThreadLocalRandom.current().nextDouble() * 0.4));
    }

    private static BaseServerResponseException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof BaseServerResponseException b) {
                return b;
            }
        }
        return null;
    }

    private static Throwable root(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}
