package health.caravan.delivery;

import java.time.LocalDateTime;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes delivery attempts and decides what follows: delivered; dead-lettered (a permanent refusal, or
 * the last allowed attempt); or retried later with exponential back-off and jitter. The schedule lives
 * in the database, so it survives restarts; {@link #runDue()} is called by the delivery-retry route.
 */
public final class Deliverer {

    private static final Logger LOG = LoggerFactory.getLogger(Deliverer.class);
    private static final long CLAIM_MILLIS = 60_000;

    private final DeliveryStore store;
    private final EprAdapterClient epr;
    private final MirthSoapClient mirth;
    private final int maxAttempts;
    private final long baseBackoffMillis;
    private final long maxBackoffMillis;

    /** {@code epr} delivers ORUs, {@code mirth} CDA documents; either may be null (not configured). */
    public Deliverer(DeliveryStore store, EprAdapterClient epr, MirthSoapClient mirth, int maxAttempts,
                     long baseBackoffMillis, long maxBackoffMillis) {
        this.store = store;
        this.epr = epr;
        this.mirth = mirth;
        this.maxAttempts = maxAttempts;
        this.baseBackoffMillis = baseBackoffMillis;
        this.maxBackoffMillis = maxBackoffMillis;
    }

    public static LocalDateTime claimUntil() {
        return DeliveryStore.now().plusNanos(CLAIM_MILLIS * 1_000_000);
    }

    /** One attempt for a delivery this process holds (just created, or claimed). */
    public Attempt attempt(DeliveryStore.Delivery d) {
        Attempt a;
        if ("CDA".equals(d.kind())) {
            a = mirth == null ? new Attempt(Attempt.TRANSIENT, null, "no CDA target configured (CARAVAN_CDA_URL)", null)
                    : mirth.send(store.content(d.messageUuid()));
        } else {
            a = epr == null ? new Attempt(Attempt.TRANSIENT, null, "no EPR adapter configured (CARAVAN_EPR_URL)", null)
                    : epr.send(store.content(d.messageUuid()));
        }
        int attempts = d.attempts() + 1;
        String state;
        LocalDateTime next = null;
        if (a.delivered()) {
            state = "DELIVERED";
        } else if (a.permanent() || attempts >= maxAttempts) {
            state = "DEAD";
        } else {
            state = "PENDING";
            next = DeliveryStore.now().plusNanos(backoffMillis(attempts) * 1_000_000);
        }
        store.recordAttempt(d, a, state, next);
        LOG.info("{} delivery {} attempt {}: {} → {}", d.kind(), d.id(), attempts, a.outcome(), state);
        return a;
    }

    /** Attempts every due delivery this process can claim; returns how many it attempted. */
    public int runDue() {
        int attempted = 0;
        for (DeliveryStore.Delivery d : store.due(50)) {
            if (store.claim(d, claimUntil())) {
                attempt(d);
                attempted++;
            }
        }
        return attempted;
    }

    /** base · 2^(n-1), capped, with ±20 % jitter. */
    long backoffMillis(int attempts) {
        long delay = Math.min(maxBackoffMillis, baseBackoffMillis << Math.min(attempts - 1, 30));
        long jitter = delay / 5;
        return delay - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1);
    }
}
