package health.caravan.publish;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves outbox rows to the broker: read the oldest pending rows in id order, publish them with
 * confirms, delete them. While the broker is away it retries with exponential back-off (with jitter,
 * capped); acknowledged messages simply wait in the outbox. Woken after every commit, and polls
 * besides. One relay per database holds a lease, so replicas never publish the same rows in parallel.
 * At-least-once: a batch whose confirms did not all arrive is published again (consumers drop repeats
 * by {@code dhos_connector_message_uuid}). A message the broker returns as unroutable (no queue bound)
 * is not published: it stays in the outbox and is retried with the same back-off. Every instance, relay
 * or not, keeps a connection to the broker so that its readiness tells whether the broker can be reached.
 */
public final class OutboxRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final long LEASE_MILLIS = 15_000;
    private static final long TOPOLOGY_RECHECK_MILLIS = 30_000;

    private final OutboxTable outbox;
    private final RabbitPublisher publisher;
    private final int batchSize;
    private final long maxBackoffMillis;
    private final long lingerMillis;
    private final String owner = "relay-" + UUID.randomUUID();
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long published;
    private volatile long failures;
    private volatile long unroutable;
    private volatile String unroutableProblem;
    private volatile String lastError;
    private long topologyCheckedAt;
    private volatile OutboxTable.Backlog backlog = new OutboxTable.Backlog(0, null);
    private long leaseRenewedAt;
    private boolean leader;

    /**
     * @param lingerMillis after being woken, wait this long so one read, one publish round and one delete
     *                     cover many messages (less database work per message under load)
     */
    public OutboxRelay(OutboxTable outbox, RabbitPublisher publisher, int batchSize, long maxBackoffMillis,
                       long lingerMillis) {
        this.outbox = outbox;
        this.lingerMillis = lingerMillis;
        this.publisher = publisher;
        this.batchSize = batchSize;
        this.maxBackoffMillis = maxBackoffMillis;
        this.thread = new Thread(this::loop, "caravan-outbox-relay");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Called after a commit that wrote outbox rows. */
    public void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    private void loop() {
        int failuresInARow = 0;
        while (running) {
            try {
                if (!holdLease()) {
                    refreshBacklog();
                    keepConnected();
                    pause(LEASE_MILLIS / 3);
                    continue;
                }
                List<OutboxRow> rows = outbox.pending(batchSize);
                if (rows.isEmpty()) {
                    refreshBacklog();
                    keepConnected();
                    if (wake.tryAcquire(1, TimeUnit.SECONDS) && lingerMillis > 0) {
                        Thread.sleep(lingerMillis);
                    }
                    continue;
                }
                try {
                    publisher.publish(rows, 10_000);
                } catch (RabbitPublisher.UnroutableException e) {
                    List<OutboxRow> routed = rows.subList(0, e.delivered());
                    outbox.delete(routed);
                    published += routed.size();
                    unroutable += e.returned();
                    unroutableProblem = e.getMessage() + "; the messages wait in the outbox: bind a queue to the exchange";
                    lastError = null;
                    failuresInARow++;
                    long delay = backoff(failuresInARow);
                    LOG.warn("{} message(s) returned by the broker as unroutable (no queue bound to exchange {} for routing key {}); "
                            + "kept in the outbox, retrying in {} ms", e.returned(), e.exchange(), e.routingKey(), delay);
                    refreshBacklogQuietly();
                    pause(delay);
                    continue;
                }
                outbox.delete(rows);
                published += rows.size();
                unroutableProblem = null;
                lastError = null;
                if (failuresInARow > 0) {
                    LOG.info("Publishing resumed after {} failed attempt(s)", failuresInARow);
                }
                failuresInARow = 0;
                if (rows.size() < batchSize) {
                    refreshBacklog();
                    if (lingerMillis > 0) {
                        Thread.sleep(lingerMillis);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                failures++;
                failuresInARow++;
                long delay = backoff(failuresInARow);
                lastError = e.getClass().getSimpleName() + ": " + RabbitPublisher.safeMessage(e);
                LOG.warn("Outbox publish failed ({}); retrying in {} ms", lastError, delay);
                refreshBacklogQuietly();
                pause(delay);
            }
        }
    }

    /** Connects while idle too (readiness reports the broker), and re-checks a reported topology mismatch. */
    private void keepConnected() throws Exception {
        if (!publisher.connected()) {
            publisher.connect();
            lastError = null;
            topologyCheckedAt = System.currentTimeMillis();
        } else if (publisher.topologyProblem() != null
                && System.currentTimeMillis() - topologyCheckedAt >= TOPOLOGY_RECHECK_MILLIS) {
            topologyCheckedAt = System.currentTimeMillis();
            publisher.checkTopology();
        }
    }

    private boolean holdLease() throws Exception {
        long now = System.currentTimeMillis();
        if (leader && now - leaseRenewedAt < LEASE_MILLIS / 3) {
            return true;
        }
        boolean held = outbox.holdLease(owner, LEASE_MILLIS);
        if (held != leader) {
            LOG.info(held ? "This instance now relays the outbox" : "Another instance relays the outbox");
        }
        leader = held;
        leaseRenewedAt = now;
        return held;
    }

    long backoff(int attempt) {
        long base = Math.min(maxBackoffMillis, 250L << Math.min(attempt - 1, 16));
        return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }

    private void pause(long millis) {
        try {
            wake.tryAcquire(0, TimeUnit.MILLISECONDS);
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private long backlogReadAt;

    /** Re-reads the backlog figures for metrics and health, at most once a second. */
    private void refreshBacklog() throws Exception {
        long now = System.currentTimeMillis();
        if (now - backlogReadAt >= 1000) {
            backlogReadAt = now;
            backlog = outbox.backlog();
        }
    }

    private void refreshBacklogQuietly() {
        try {
            refreshBacklog();
        } catch (Exception ignored) {
            // the database may be the thing that is down
        }
    }

    public long pendingCount() {
        return backlog.pending();
    }

    /** Age of the oldest pending row, zero when none. */
    public Duration oldestPendingAge() {
        LocalDateTime oldest = backlog.oldest();
        return oldest == null ? Duration.ZERO : Duration.between(oldest, LocalDateTime.now(ZoneOffset.UTC));
    }

    public long publishedCount() {
        return published;
    }

    public long failureCount() {
        return failures;
    }

    /** Messages the broker returned as unroutable (each return counted; they are retried). */
    public long unroutableCount() {
        return unroutable;
    }

    /** Why the last publish round left messages in the outbox as unroutable; null when it did not. */
    public String unroutableProblem() {
        return unroutableProblem;
    }

    /** The last failure to reach or publish to the broker (no credentials); null after a success. */
    public String lastError() {
        return lastError;
    }

    public boolean brokerConnected() {
        return publisher.connected();
    }

    public String brokerDescription() {
        return publisher.description();
    }

    public String topologyProblem() {
        return publisher.topologyProblem();
    }

    public boolean isLeader() {
        return leader;
    }

    /** Graceful stop: give pending rows a last chance to go out, then release the lease. */
    @Override
    public void close() {
        running = false;
        wake.release();
        try {
            thread.join(5_000);
            if (leader) {
                List<OutboxRow> rows = outbox.pending(batchSize);
                long deadline = System.currentTimeMillis() + 5_000;
                while (!rows.isEmpty() && System.currentTimeMillis() < deadline) {
                    try {
                        publisher.publish(rows, 5_000);
                    } catch (RabbitPublisher.UnroutableException e) {
                        outbox.delete(rows.subList(0, e.delivered()));
                        throw e;
                    }
                    outbox.delete(rows);
                    rows = outbox.pending(batchSize);
                }
                outbox.releaseLease(owner);
            }
        } catch (Exception e) {
            LOG.info("Outbox not fully flushed at shutdown ({}); it is published after the next start",
                    e.getClass().getSimpleName());
        } finally {
            publisher.close();
        }
    }
}
