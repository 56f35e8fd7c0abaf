package health.caravan.publish;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * {@code /observe/health} entry for publication: pending outbox rows, the oldest one's age, broker
 * connection. DOWN when the oldest pending row is older than the configured limit, so an operator
 * learns that acknowledged messages are waiting; receiving is not affected (readiness stays with the
 * routes), which is why this check is not part of readiness.
 */
public final class OutboxHealthCheck extends AbstractHealthCheck {

    private final OutboxRelay relay;
    private final long unhealthyAfterSeconds;

    public OutboxHealthCheck(OutboxRelay relay, long unhealthyAfterSeconds) {
        super("caravan", "outbox");
        this.relay = relay;
        this.unhealthyAfterSeconds = unhealthyAfterSeconds;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long age = relay.oldestPendingAge().toSeconds();
        builder.detail("pending", relay.pendingCount());
        builder.detail("oldest_pending_seconds", age);
        builder.detail("broker_connected", relay.brokerConnected());
        builder.detail("relay_leader", relay.isLeader());
        builder.detail("published", relay.publishedCount());
        if (unhealthyAfterSeconds > 0 && age > unhealthyAfterSeconds) {
            builder.message("Outbox has messages waiting for more than " + unhealthyAfterSeconds + " s");
            builder.down();
        } else {
            builder.up();
        }
    }
}
