package health.caravan.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * {@code /observe/health} entry for publication, part of readiness ({@code /observe/health/ready}): pending
 * outbox rows, the oldest one's age, broker connection, unroutable returns, topology. DOWN when the broker
 * cannot be reached, when its queues or exchanges exist with other arguments than the settings ask for,
 * or when the oldest pending row is older than the configured limit. Messages the broker returned as
 * unroutable (no queue bound) are reported at once (message and data) and, like any backlog, turn it
 * DOWN once they have waited longer than the limit. Not part of liveness: restarting Caravan does not bring a broker back, and messages are
 * still received and acknowledged meanwhile (they wait in the outbox).
 */
public final class OutboxHealthCheck extends AbstractHealthCheck {

    private final OutboxRelay relay;
    private final long unhealthyAfterSeconds;
    private final String brokerSetting;

    /**
     * @param brokerSetting the setting that names the broker, for the DOWN message
     */
    public OutboxHealthCheck(OutboxRelay relay, long unhealthyAfterSeconds, String brokerSetting) {
        super("caravan", "outbox");
        this.relay = relay;
        this.unhealthyAfterSeconds = unhealthyAfterSeconds;
        this.brokerSetting = brokerSetting;
    }

    @Override
    public boolean isReadiness() {
        return true;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long age = relay.oldestPendingAge().toSeconds();
        boolean connected = relay.brokerConnected();
        builder.detail("pending", relay.pendingCount());
        builder.detail("oldest_pending_seconds", age);
        builder.detail("broker", relay.brokerDescription());
        builder.detail("broker_connected", connected);
        builder.detail("relay_leader", relay.isLeader());
        builder.detail("published", relay.publishedCount());
        builder.detail("unroutable", relay.unroutableCount());
        List<String> problems = new ArrayList<>();
        if (!connected) {
            String error = relay.lastError();
            problems.add("AMQP broker at " + relay.brokerDescription() + " not reachable" + (error == null ? "" : " (" + error + ")")
                    + ": check " + brokerSetting + "; received messages wait in the outbox");
        }
        String topology = relay.topologyProblem();
        if (topology != null) {
            builder.detail("topology", topology);
            problems.add(topology);
        }
        boolean down = !problems.isEmpty();
        if (unhealthyAfterSeconds > 0 && age > unhealthyAfterSeconds) {
            problems.add("Outbox has messages waiting for more than " + unhealthyAfterSeconds
                    + " s (caravan.outbox.unhealthy-after-seconds)");
            down = true;
        }
        // reported at once, DOWN like any backlog once it is older than the limit
        String unroutable = relay.unroutableProblem();
        if (unroutable != null) {
            builder.detail("unroutable_problem", unroutable);
            problems.add(unroutable);
        }
        if (!problems.isEmpty()) {
            builder.message(String.join("; ", problems));
        }
        if (down) {
            builder.down();
        } else {
            builder.up();
        }
    }
}
