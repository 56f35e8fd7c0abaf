package health.caravan.delivery;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes delivery attempts and decides what follows: delivered; dead-lettered (a permanent refusal, or
 * the last allowed attempt); or retried later with exponential back-off and jitter. The schedule lives
 * in the database, so it survives restarts; {@link #runDue()} is called by the delivery-retry route.
 * A delivery whose target is not configured (no {@code CARAVAN_EPR_URL} / {@code CARAVAN_CDA_URL}) is not
 * attempted at all: it stays PENDING, due, with no attempt used, until Caravan runs with the target set.
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

    /**
     * One attempt for a delivery this process holds (just created, or claimed); when its target is not
     * configured, no attempt: the delivery waits (PENDING, due now, attempts unchanged) and the answer is
     * {@link Attempt#WAITING}.
     */
    public Attempt attempt(DeliveryStore.Delivery d) {
        boolean cda = "CDA".equals(d.kind());
        if (cda ? mirth == null : epr == null) {
            String reason = cda ? "no CDA target configured (CARAVAN_CDA_URL): waiting; it is sent once Caravan runs with one"
                    : "no EPR adapter configured (CARAVAN_EPR_URL): waiting; it is sent once Caravan runs with one";
            store.waitForTarget(d, reason);
            LOG.info("{} delivery {} waits: no target configured", d.kind(), d.id());
            return new Attempt(Attempt.WAITING, null, reason, null);
        }
        Attempt a = cda ? mirth.send(store.content(d.messageUuid())) : epr.send(store.content(d.messageUuid()));
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
        List<String> kinds = new ArrayList<>();
        if (epr != null) {
            kinds.add("ORU");
        }
        if (mirth != null) {
            kinds.add("CDA");
        }
        if (kinds.isEmpty()) {
            return 0;
        }
        int attempted = 0;
        for (DeliveryStore.Delivery d : store.due(50, kinds)) {
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
