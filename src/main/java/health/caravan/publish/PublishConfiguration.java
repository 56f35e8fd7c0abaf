package health.caravan.publish;

import java.nio.file.Path;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerUtils;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import health.caravan.store.MessageStore;

/**
 * ADT publication: the outbox (written with every accepted message), the broker (RabbitMQ at
 * CARAVAN_RABBITMQ_URL, else an embedded one) and the {@code outboxRelay} between them, stopped before
 * the store (registered after it) so it can flush. Needs {@code messageStore} and the metrics registry.
 */
public final class PublishConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(PublishConfiguration.class);

    @PropertyInject("caravan.publish.exchange")
    String exchange;
    @PropertyInject("caravan.publish.routing-key")
    String routingKey;
    @PropertyInject("caravan.publish.dead-letter-exchange")
    String deadLetterExchange;
    @PropertyInject("caravan.publish.retry-exchange")
    String retryExchange;
    @PropertyInject("caravan.publish.retry-ttl-ms")
    long retryTtlMs;
    @PropertyInject("caravan.publish.compression")
    String compression;
    @PropertyInject("caravan.publish.errors-queue")
    String errorsQueue;
    @PropertyInject("caravan.publish.retry-queue")
    String retryQueue;
    @PropertyInject("caravan.rabbitmq.url")
    String rabbitmqUrl;
    @PropertyInject("caravan.data-dir")
    String dataDir;
    @PropertyInject("caravan.amqp.host")
    String amqpHost;
    @PropertyInject("caravan.amqp.port")
    int amqpPort;
    @PropertyInject("caravan.outbox.batch-size")
    int batchSize;
    @PropertyInject("caravan.outbox.max-backoff-ms")
    long maxBackoffMs;
    @PropertyInject("caravan.outbox.linger-ms")
    long lingerMs;
    @PropertyInject("caravan.outbox.unhealthy-after-seconds")
    long unhealthyAfterSeconds;

    @Override
    public void configure(CamelContext context) throws Exception {
        MessageStore store = context.getRegistry().lookupByNameAndType("messageStore", MessageStore.class);
        MeterRegistry meters = MicrometerUtils.getMeterRegistryFromCamelRegistry(context.getRegistry(),
                MicrometerConstants.METRICS_REGISTRY_NAME);
        PublicationSettings publication = PublicationSettings.derive(exchange.trim(), routingKey.trim(),
                deadLetterExchange.trim(), retryExchange.trim(), retryTtlMs, "bzip2".equalsIgnoreCase(compression.trim()),
                errorsQueue.trim(), retryQueue.trim());
        OutboxTable outbox = new OutboxTable(store.dataSource(), publication);
        store.addOutboxWriter(outbox);

        String amqpUri = rabbitmqUrl == null ? null : rabbitmqUrl.trim();
        boolean embedded = amqpUri == null || amqpUri.isBlank();
        if (embedded) {
            EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start(Path.of(dataDir.trim()), amqpHost.trim(), amqpPort);
            amqpUri = broker.uri();
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    broker.close();
                }
            }, true, true);
        }
        RabbitPublisher publisher = new RabbitPublisher(amqpUri, publication, !embedded);
        LOG.info("Publishing ADT actions to {} (exchange {}, routing key {})", publisher.description(),
                publication.exchange(), publication.routingKey());
        String brokerSetting = embedded ? "caravan.amqp.port (CARAVAN_AMQP_PORT)" : "caravan.rabbitmq.url (CARAVAN_RABBITMQ_URL)";
        OutboxRelay relay = new OutboxRelay(outbox, publisher, batchSize, maxBackoffMs, lingerMs);
        store.addCommitListener(relay::wake);
        context.getRegistry().bind("outboxRelay", relay);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStart() {
                try {
                    publisher.connect();
                } catch (Exception e) {
                    // not fatal: messages are received and wait in the outbox; readiness is DOWN until the broker is reached
                    LOG.warn("AMQP broker at {} not reachable at start ({}: {}): check {}. Caravan starts anyway; accepted "
                            + "messages wait in the outbox and readiness is DOWN until the broker is reached",
                            publisher.description(), e.getClass().getSimpleName(), RabbitPublisher.safeMessage(e), brokerSetting);
                }
                relay.start();
            }

            @Override
            protected void doStop() {
                relay.close();
            }
        }, true, true);
        Gauge.builder("caravan.outbox.pending", relay, OutboxRelay::pendingCount)
                .description("Accepted messages waiting to be published").register(meters);
        Gauge.builder("caravan.outbox.oldest.pending.seconds", relay, r -> r.oldestPendingAge().toMillis() / 1000.0)
                .description("Age of the oldest message waiting to be published").register(meters);
        FunctionCounter.builder("caravan.outbox.published", relay, OutboxRelay::publishedCount)
                .description("Messages published and confirmed by the broker").register(meters);
        FunctionCounter.builder("caravan.outbox.publish.failures", relay, OutboxRelay::failureCount)
                .description("Failed publish attempts (retried)").register(meters);
        FunctionCounter.builder("caravan.outbox.unroutable", relay, OutboxRelay::unroutableCount)
                .description("Messages the broker returned as unroutable (no queue bound; kept and retried)").register(meters);
        HealthCheckRegistry.get(context).register(new OutboxHealthCheck(relay, unhealthyAfterSeconds, brokerSetting));
    }
}
