package health.caravan.publish;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.State;
import org.apache.qpid.server.model.SystemConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The out-of-the-box broker: Apache Qpid Broker-J speaking AMQP 0-9-1 inside Caravan's JVM, so the
 * whole flow runs on a fresh machine and any RabbitMQ client can consume from it. Messages are kept
 * in a Derby store under the data directory. For production point {@code CARAVAN_RABBITMQ_URL} at RabbitMQ.
 */
public final class EmbeddedAmqpBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedAmqpBroker.class);

    private volatile SystemConfig<?> systemConfig;
    private final SystemLauncher launcher = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
        @Override
        public void onContainerResolve(SystemConfig<?> config) {
            systemConfig = config;
        }
    });
    private final String uri;

    private EmbeddedAmqpBroker(String host, int port) {
        this.uri = "amqp://guest:guest@" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port;
    }

    /**
     * Starts the broker, or refuses: when its port cannot be bound (another process listens there, maybe
     * another broker that would receive patient data) the start fails with a message naming the setting.
     */
    public static EmbeddedAmqpBroker start(Path dataDir, String host, int port) throws Exception {
        requirePortFree(host, port);
        EmbeddedAmqpBroker broker = new EmbeddedAmqpBroker(host, port);
        Path work = dataDir.toAbsolutePath().resolve("amqp-broker");
        Files.createDirectories(work);
        Path config = work.resolve("initial-config.json");
        Files.writeString(config, initialConfig(host, port), StandardCharsets.UTF_8);
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("type", "Memory");
        attributes.put("initialConfigurationLocation", config.toUri().toString());
        attributes.put("startupLoggedToSystemOut", false);
        Map<String, String> context = new HashMap<>();
        context.put("qpid.work_dir", work.toString());
        context.put("qpid.amqp_port", String.valueOf(port));
        attributes.put("context", context);
        broker.launcher.startup(attributes);
        broker.requireListening(host, port);
        LOG.info("Embedded AMQP 0-9-1 broker (Qpid Broker-J) listening on {}:{}", host, port);
        return broker;
    }

    private static void requirePortFree(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw portTaken(host, port, e.getMessage());
        }
    }

    /** The probe and Qpid's bind are not atomic: check that Qpid's AMQP port really is active. */
    private void requireListening(String host, int port) {
        SystemConfig<?> config = systemConfig;
        Broker<?> broker = config == null ? null : (Broker<?>) config.getContainer(Broker.class);
        if (broker == null) {
            return;
        }
        for (Port<?> p : broker.getChildren(Port.class)) {
            if (p.getState() != State.ACTIVE) {
                close();
                throw portTaken(host, port, "port " + p.getName() + " is " + p.getState());
            }
        }
    }

    private static IllegalStateException portTaken(String host, int port, String reason) {
        return new IllegalStateException("The embedded AMQP broker cannot listen on " + host + ":" + port + " (" + reason
                + "): another process uses the port. Set caravan.amqp.port (CARAVAN_AMQP_PORT) to a free port, "
                + "or point caravan.rabbitmq.url (CARAVAN_RABBITMQ_URL) at your RabbitMQ");
    }

    private static String initialConfig(String host, int port) {
        return """
            {
              "name": "caravan-embedded-broker",
              "modelVersion": "9.0",
              "authenticationproviders": [{
                "name": "plain", "type": "Plain", "secureOnlyMechanisms": [],
                "users": [{"name": "guest", "type": "managed", "password": "guest"}]
              }],
              "ports": [{
                "name": "AMQP", "port": "%d", "bindingAddress": "%s",
                "protocols": ["AMQP_0_9_1"], "authenticationProvider": "plain",
                "virtualhostaliases": [
                  {"name": "nameAlias", "type": "nameAlias"},
                  {"name": "defaultAlias", "type": "defaultAlias"}
                ]
              }],
              "virtualhostnodes": [{
                "name": "default", "type": "DERBY", "defaultVirtualHostNode": "true",
                "storePath": "${qpid.work_dir}/derby-store",
                "virtualHostInitialConfiguration": "{\\"type\\": \\"ProvidedStore\\"}"
              }]
            }
            """.formatted(port, host);
    }

    /** The AMQP URI clients in this process use. */
    public String uri() {
        return uri;
    }

    @Override
    public void close() {
        launcher.shutdown();
    }
}
