package health.caravan.publish;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes outbox rows to RabbitMQ (AMQP 0-9-1, the RabbitMQ Java client) with publisher confirms:
 * a batch counts as published only when the broker has confirmed every message in it, and messages are
 * published {@code mandatory}, so one the broker could not route to any queue (returned) is not published
 * either. Declares the Polaris topology on connect: the topic exchange, {@code dhos-dlx} → queue
 * {@code errors}, and {@code dhos-retry} → queue {@code retry} (TTL, dead-lettered back to the exchange),
 * with the names of {@link PublicationSettings}. A queue or exchange that already exists with other
 * arguments is reported ({@link #topologyProblem()}), not fatal: publishing to the exchange goes on.
 */
public final class RabbitPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitPublisher.class);

    private final ConnectionFactory factory = new ConnectionFactory();
    private final PublicationSettings settings;
    private final String description;
    private Connection connection;
    private volatile Channel channel;
    private volatile String topologyProblem;
    private final Set<String> returnedIds = ConcurrentHashMap.newKeySet();
    private final AtomicInteger returnedCount = new AtomicInteger();

    private final boolean rabbitQueueArguments;

    /**
     * @param rabbitQueueArguments declare the retry queue with RabbitMQ's {@code x-message-ttl} and
     *                             {@code x-dead-letter-exchange} arguments (the embedded Qpid broker has no such arguments)
     */
    public RabbitPublisher(String amqpUri, PublicationSettings settings, boolean rabbitQueueArguments) throws Exception {
        this.settings = settings;
        this.rabbitQueueArguments = rabbitQueueArguments;
        factory.setUri(amqpUri);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(5000);
        factory.setRequestedHeartbeat(30);
        this.description = factory.getHost() + ":" + factory.getPort() + factory.getVirtualHost();
    }

    public String description() {
        return description;
    }

    /** Not synchronized: health checks must not wait for a publish round. */
    public boolean connected() {
        Channel ch = channel;
        return ch != null && ch.isOpen();
    }

    /** Connects (declaring the topology) unless connected. */
    public synchronized void connect() throws IOException, TimeoutException {
        try {
            channel();
        } catch (IOException | TimeoutException | RuntimeException e) {
            disconnect();
            throw e;
        }
    }

    /**
     * Why the broker's topology is not what the settings ask for (a queue or exchange declared before with
     * other arguments), naming the queue, the argument and the setting; null when it is.
     */
    public String topologyProblem() {
        return topologyProblem;
    }

    /** Declares the topology again on the open connection (after an operator fixed a reported mismatch). */
    public synchronized void checkTopology() throws IOException, TimeoutException {
        if (connection != null && connection.isOpen()) {
            declareTopology(connection);
        }
    }

    private Channel channel() throws IOException, TimeoutException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        disconnect();
        connection = factory.newConnection("caravan-outbox-relay");
        declareTopology(connection);
        Channel ch = connection.createChannel();
        ch.addReturnListener(r -> {
            returnedCount.incrementAndGet();
            if (r.getProperties().getMessageId() != null) {
                returnedIds.add(r.getProperties().getMessageId());
            }
        });
        ch.confirmSelect();
        channel = ch;
        LOG.info("Connected to the AMQP broker at {}", description);
        return ch;
    }

    @FunctionalInterface
    private interface Declaration {
        void run(Channel ch) throws IOException;
    }

    private void declareTopology(Connection conn) throws IOException, TimeoutException {
        Map<String, Object> retryArgs = null;
        if (rabbitQueueArguments) {
            retryArgs = new HashMap<>();
            retryArgs.put("x-message-ttl", settings.retryTtlMillis());
            retryArgs.put("x-dead-letter-exchange", settings.exchange());
        }
        Map<String, Object> retryArguments = retryArgs;
        List<String> problems = new ArrayList<>();
        Channel[] ch = {conn.createChannel()};
        declare(conn, ch, problems, "exchange " + settings.exchange(), "caravan.publish.exchange (CARAVAN_PUBLISH_EXCHANGE)",
                c -> c.exchangeDeclare(settings.exchange(), "topic", true));
        declare(conn, ch, problems, "exchange " + settings.deadLetterExchange(), "caravan.publish.dead-letter-exchange (CARAVAN_PUBLISH_DLX)",
                c -> c.exchangeDeclare(settings.deadLetterExchange(), "fanout", true));
        declare(conn, ch, problems, "queue " + settings.errorsQueue(), "caravan.publish.errors-queue (CARAVAN_PUBLISH_ERRORS_QUEUE)", c -> {
            c.queueDeclare(settings.errorsQueue(), true, false, false, null);
            c.queueBind(settings.errorsQueue(), settings.deadLetterExchange(), "");
        });
        declare(conn, ch, problems, "exchange " + settings.retryExchange(), "caravan.publish.retry-exchange (CARAVAN_PUBLISH_RETRY_EXCHANGE)",
                c -> c.exchangeDeclare(settings.retryExchange(), "fanout", true));
        declare(conn, ch, problems, "queue " + settings.retryQueue(), "caravan.publish.retry-queue (CARAVAN_PUBLISH_RETRY_QUEUE)", c -> {
            c.queueDeclare(settings.retryQueue(), true, false, false, retryArguments);
            c.queueBind(settings.retryQueue(), settings.retryExchange(), "");
        });
        if (ch[0].isOpen()) {
            ch[0].close();
        }
        String problem = problems.isEmpty() ? null : String.join("; ", problems);
        if (problem != null && !problem.equals(topologyProblem)) {
            LOG.warn("AMQP topology mismatch at {}: {}", description, problem);
        } else if (problem == null && topologyProblem != null) {
            LOG.info("AMQP topology at {} now matches the settings", description);
        }
        topologyProblem = problem;
    }

    /**
     * Runs one declaration; a PRECONDITION_FAILED (the object exists with other arguments) is recorded and the
     * next declarations go on, on a new channel (the broker closed this one).
     */
    private static void declare(Connection conn, Channel[] ch, List<String> problems, String what, String setting,
                                Declaration declaration) throws IOException {
        try {
            declaration.run(ch[0]);
        } catch (IOException e) {
            ShutdownSignalException closed = e.getCause() instanceof ShutdownSignalException s ? s : null;
            if (closed == null || closed.isHardError()
                    || !(closed.getReason() instanceof AMQP.Channel.Close close) || close.getReplyCode() != 406) {
                throw e;
            }
            problems.add(what + " exists on the broker with other arguments (" + close.getReplyText()
                    + "): delete it on the broker, or set " + setting + " to another name");
            ch[0] = conn.createChannel();
        }
    }

    /**
     * Rows the broker confirmed but could not route to any queue (no queue bound for the routing key):
     * {@link #delivered()} leading rows were routed; the others must stay pending.
     */
    public static final class UnroutableException extends Exception {
        private final int delivered;
        private final int returned;
        private final String exchange;
        private final String routingKey;

        UnroutableException(int delivered, int returned, String exchange, String routingKey) {
            super(returned + " message(s) returned by the broker as unroutable: no queue is bound to exchange "
                    + exchange + " for routing key " + routingKey);
            this.delivered = delivered;
            this.returned = returned;
            this.exchange = exchange;
            this.routingKey = routingKey;
        }

        public int delivered() {
            return delivered;
        }

        public int returned() {
            return returned;
        }

        public String exchange() {
            return exchange;
        }

        public String routingKey() {
            return routingKey;
        }
    }

    /**
     * Publishes the rows in order and waits for the broker's confirms.
     *
     * @throws UnroutableException when the broker returned rows it could not route (the leading
     *                             {@link UnroutableException#delivered()} rows were routed)
     * @throws Exception when any row is not confirmed; the caller keeps them all pending
     */
    public synchronized void publish(List<OutboxRow> rows, long confirmTimeoutMillis) throws Exception {
        try {
            Channel ch = channel();
            returnedIds.clear();
            returnedCount.set(0);
            for (OutboxRow row : rows) {
                ch.basicPublish(row.exchange(), row.routingKey(), true, properties(row), body(row));
            }
            // basic.return precedes the basic.ack of the same message, on the connection's thread
            ch.waitForConfirmsOrDie(confirmTimeoutMillis);
        } catch (Exception e) {
            disconnect();
            throw e;
        }
        if (returnedCount.get() > 0) {
            int delivered = 0;
            while (delivered < rows.size() && !returnedIds.contains(rows.get(delivered).messageUuid())) {
                delivered++;
            }
            if (delivered == rows.size()) {
                delivered = 0; // a return without a known message id: keep them all
            }
            OutboxRow first = rows.get(delivered);
            throw new UnroutableException(delivered, returnedCount.get(), first.exchange(), first.routingKey());
        }
    }

    /** An exception's message without AMQP URI credentials. */
    public static String safeMessage(Throwable e) {
        Throwable t = e;
        while ((t.getMessage() == null || t.getMessage().isBlank()) && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.replaceAll("amqps?://[^@\\s]*@", "amqp://");
    }

    private AMQP.BasicProperties properties(OutboxRow row) {
        Map<String, Object> headers = new HashMap<>();
        java.time.Instant received = row.created().toInstant(ZoneOffset.UTC);
        headers.put("caravan_received_at_us", received.getEpochSecond() * 1_000_000L + received.getNano() / 1_000);
        AMQP.BasicProperties.Builder b = new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .messageId(row.messageUuid())
                .correlationId(row.messageUuid())
                .timestamp(new Date())
                .contentEncoding("utf-8");
        if (settings.bzip2()) {
            headers.put("compression", "application/x-bz2");
            b.contentType("application/text");
        } else {
            b.contentType("application/json");
        }
        return b.headers(headers).build();
    }

    private byte[] body(OutboxRow row) throws IOException {
        byte[] json = row.payload().getBytes(StandardCharsets.UTF_8);
        if (!settings.bzip2()) {
            return json;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length);
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(out)) {
            bz.write(json);
        }
        return out.toByteArray();
    }

    private void disconnect() {
        Connection c = connection;
        channel = null;
        connection = null;
        if (c != null) {
            try {
                c.abort(2000);
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
    }

    @Override
    public synchronized void close() {
        disconnect();
    }
}
