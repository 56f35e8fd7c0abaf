package health.caravan.publish;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes outbox rows to RabbitMQ (AMQP 0-9-1, the RabbitMQ Java client) with publisher confirms:
 * a batch counts as published only when the broker has confirmed every message in it. Declares the
 * Polaris topology on connect: the topic exchange, {@code dhos-dlx} → queue {@code errors}, and
 * {@code dhos-retry} → queue {@code retry} (TTL, dead-lettered back to the exchange).
 */
public final class RabbitPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitPublisher.class);

    private final ConnectionFactory factory = new ConnectionFactory();
    private final PublicationSettings settings;
    private final String description;
    private Connection connection;
    private Channel channel;

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

    public synchronized boolean connected() {
        return channel != null && channel.isOpen();
    }

    private Channel channel() throws IOException, TimeoutException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        disconnect();
        connection = factory.newConnection("caravan-outbox-relay");
        Channel ch = connection.createChannel();
        declareTopology(ch);
        ch.confirmSelect();
        channel = ch;
        LOG.info("Connected to the AMQP broker at {}", description);
        return ch;
    }

    private void declareTopology(Channel ch) throws IOException {
        ch.exchangeDeclare(settings.exchange(), "topic", true);
        ch.exchangeDeclare(settings.deadLetterExchange(), "fanout", true);
        ch.queueDeclare("errors", true, false, false, null);
        ch.queueBind("errors", settings.deadLetterExchange(), "");
        ch.exchangeDeclare(settings.retryExchange(), "fanout", true);
        Map<String, Object> retryArgs = null;
        if (rabbitQueueArguments) {
            retryArgs = new HashMap<>();
            retryArgs.put("x-message-ttl", settings.retryTtlMillis());
            retryArgs.put("x-dead-letter-exchange", settings.exchange());
        }
        ch.queueDeclare("retry", true, false, false, retryArgs);
        ch.queueBind("retry", settings.retryExchange(), "");
    }

    /**
     * Publishes the rows in order and waits for the broker's confirms.
     *
     * @throws Exception when any row is not confirmed; the caller keeps them all pending
     */
    public synchronized void publish(List<OutboxRow> rows, long confirmTimeoutMillis) throws Exception {
        try {
            Channel ch = channel();
            for (OutboxRow row : rows) {
                ch.basicPublish(row.exchange(), row.routingKey(), false, properties(row), body(row));
            }
            ch.waitForConfirmsOrDie(confirmTimeoutMillis);
        } catch (Exception e) {
            disconnect();
            throw e;
        }
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
