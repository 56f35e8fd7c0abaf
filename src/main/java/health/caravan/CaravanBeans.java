package health.caravan;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;

import ca.uhn.fhir.context.FhirContext;
import health.caravan.fhir.FhirProjectionQueue;
import health.caravan.fhir.FhirProjector;
import health.caravan.fhir.FhirPushQueue;
import health.caravan.fhir.FhirStore;
import health.caravan.fhir.IdentityConflictPolicy;
import health.caravan.fhir.FhirApi;
import health.caravan.fhir.FhirPush;
import health.caravan.fhir.FhirReadApi;
import health.caravan.ops.ObserveHealth;
import health.caravan.transformations.fhir.AdtToFhirMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.hl7.HL7MLLPNettyEncoderFactory;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerUtils;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SSLContextServerParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import health.caravan.transformations.CdaSchemaValidator;
import health.caravan.delivery.CdaService;
import health.caravan.delivery.Deliverer;
import health.caravan.delivery.DeliveryStore;
import health.caravan.delivery.EprAdapterClient;
import health.caravan.delivery.MirthSoapClient;
import health.caravan.delivery.OruService;
import health.caravan.extract.ExtractRunner;
import health.caravan.extract.ReqCheckClient;
import health.caravan.inbound.InboundPipeline;
import health.caravan.mllp.MllpBackpressure;
import health.caravan.mllp.MllpFrameDecoderFactory;
import health.caravan.mllp.MllpIdleTimeoutFactory;
import health.caravan.web.ApiErrorResponder;
import health.caravan.delivery.BuildCdaDocument;
import health.caravan.web.JsonServiceEndpoint;
import health.caravan.delivery.DeliveryApi;
import health.caravan.examples.ExamplesSync;
import health.caravan.examples.ExamplesApi;
import health.caravan.examples.ExamplesSite;
import health.caravan.examples.ExamplesSyncSteps;
import health.caravan.extract.ExtractApi;
import health.caravan.examples.GitHubWebhook;
import health.caravan.inbound.MessageQueries;
import health.caravan.inbound.ReceiveHl7OverHttp;
import health.caravan.inbound.ReceiveHl7OverMllp;
import health.caravan.security.RequireToken;
import health.caravan.ops.VersionInfo;
import health.caravan.publish.EmbeddedAmqpBroker;
import health.caravan.publish.OutboxHealthCheck;
import health.caravan.publish.OutboxRelay;
import health.caravan.publish.OutboxTable;
import health.caravan.publish.PublicationSettings;
import health.caravan.publish.RabbitPublisher;
import health.caravan.security.JwtAuthenticator;
import health.caravan.store.Database;
import health.caravan.store.MessageStore;
import health.caravan.transformations.CdaDocumentBuilder;
import health.caravan.transformations.IdentifierTypes;
import health.caravan.transformations.OruSettings;

/**
 * Creates Caravan's beans from {@code caravan.*} properties and binds them under the names the YAML
 * routes use. The database pool and the store writers are stopped with the Camel context, after the
 * routes (so in-flight messages finish first).
 */
public final class CaravanBeans implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CaravanBeans.class);
    /** Every scope Caravan's routes ask for. */
    static final String DEVELOPMENT_SCOPES = "read:hl7_message write:hl7_message read:delivery write:delivery "
            + "write:cda_document read:extracts write:extracts read:examples write:examples system/Bundle.write system/*.read";

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings s = new Settings(context);
        StartupChecks checks = new StartupChecks(s::get);
        StartupChecks.DevelopmentMode development = checks.developmentMode();
        checks.security();
        checks.ports();
        Registry registry = context.getRegistry();

        HikariDataSource dataSource = Database.open(s.get("caravan.db.url"), s.get("caravan.db.user"),
                s.get("caravan.db.password"), Path.of(s.get("caravan.data-dir")), s.getInt("caravan.db.pool-size"),
                s.getLong("caravan.db.connection-timeout-ms"));
        MessageStore store = new MessageStore(dataSource, s.getInt("caravan.store.writers"),
                s.getInt("caravan.store.max-batch"), s.getInt("caravan.store.queue-capacity"),
                s.getLong("caravan.store.queue-max-bytes"));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                store.close();
                dataSource.close();
            }
        }, true, true);
        registry.bind("messageStore", store);
        registry.bind("dataSource", dataSource);

        // share Camel's Prometheus registry (served at /observe/metrics); create it if Camel has not yet
        MeterRegistry meters = MicrometerUtils.getMeterRegistryFromCamelRegistry(registry, MicrometerConstants.METRICS_REGISTRY_NAME);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }
        startPublication(context, s, store, meters);

        ZoneId zone = ZoneId.of(s.get("caravan.timezone"));
        IdentifierTypes identifierTypes = IdentifierTypes.parse(s.get("caravan.identifiers.mrn-types"),
                s.get("caravan.identifiers.nhs-types"));
        InboundPipeline pipeline = new InboundPipeline(store, identifierTypes, zone, Clock.systemUTC(),
                s.get("caravan.ack.application"), s.getLong("caravan.store.ack-timeout-ms"), meters,
                health.caravan.transformations.AckBuilder.ErrorCodes.parse(s.get("caravan.ack.error-codes")));
        registry.bind("inboundPipeline", pipeline);

        // MLLP listener parts
        registry.bind("receiveHl7OverMllp", new ReceiveHl7OverMllp(pipeline,
                Charset.forName(s.get("caravan.mllp.default-charset")),
                "nak".equalsIgnoreCase(s.get("caravan.mllp.on-store-failure")),
                new MllpBackpressure(s.getInt("caravan.mllp.max-in-flight-frames"), s.getLong("caravan.mllp.max-in-flight-bytes"))));
        registry.bind("mllpFrameDecoder", new MllpFrameDecoderFactory(s.getInt("caravan.mllp.max-frame-bytes"),
                s.getLong("caravan.mllp.frame-timeout-ms")));
        registry.bind("mllpFrameEncoder", new HL7MLLPNettyEncoderFactory());
        registry.bind("mllpAllowList", new health.caravan.mllp.MllpAllowList(s.get("caravan.mllp.allowed-senders")));
        registry.bind("mllpIdleTimeout", new MllpIdleTimeoutFactory(s.getLong("caravan.mllp.idle-timeout-ms")));
        registry.bind("mllpTls", tls(s));

        // HTTP API parts
        JwtAuthenticator authenticator = new JwtAuthenticator(s.get("caravan.jwt.issuer"), s.get("caravan.jwt.hs-key"),
                s.get("caravan.epr.issuer"), s.get("caravan.epr.hs-key"), s.get("caravan.jwt.jwks-url"), development.on());
        registry.bind("jwtAuthenticator", authenticator);
        registry.bind("requireToken", new RequireToken(authenticator));
        checkTokensBeforeBodies(context, authenticator, s.getLong("caravan.http.token-before-body-bytes"));
        registry.bind("receiveHl7OverHttp", new ReceiveHl7OverHttp(pipeline));
        registry.bind("messageQueries", new MessageQueries(store));
        registry.bind("apiErrorResponder", new ApiErrorResponder());
        registry.bind("versionInfo", new VersionInfo());
        registry.bind("observeHealth", new ObserveHealth(Boolean.parseBoolean(s.get("caravan.observe.health-details"))));

        configureOutbound(registry, s, store, zone);
        configureExtracts(context, registry, s, store, zone);
        configureExamples(context, registry, s, store);
        configureFhir(context, registry, s, store, authenticator, identifierTypes, zone, meters);

        if (development.on()) {
            LOG.warn("Development mode ({}): not for production; set CARAVAN_JWT_HS_KEY or CARAVAN_JWKS_URL and an "
                    + "external database to turn it off", development.reason());
            if (authenticator.usesGeneratedKey()) {
                printDevelopmentToken(authenticator, s.get("caravan.jwt.issuer"));
            }
        }
    }

    /**
     * FHIR R4: C-CDA conversion, Caravan's FHIR store fed from accepted ADT messages (the projection queue
     * is written with each message), its read API, and the push of transaction Bundles to an external FHIR
     * server (CARAVAN_FHIR_SERVER_URL) with camel-fhir.
     */
    private static void configureFhir(CamelContext context, Registry registry, Settings s, MessageStore store,
                                      JwtAuthenticator authenticator, IdentifierTypes identifierTypes, ZoneId zone,
                                      MeterRegistry meters) {
        FhirContext fhir = FhirContext.forR4Cached();
        registry.bind("fhirContext", fhir);
        String version = CaravanBeans.class.getPackage().getImplementationVersion();
        registry.bind("fhirApi", new FhirApi(fhir, authenticator, version == null ? "dev" : version));

        FhirStore fhirStore = new FhirStore(store.dataSource(), fhir);
        FhirProjectionQueue projection = new FhirProjectionQueue(store.dataSource());
        store.addOutboxWriter(projection);
        String serverUrl = s.get("caravan.fhir.server-url").trim();
        FhirPushQueue pushQueue = new FhirPushQueue(store.dataSource());
        boolean push = !serverUrl.isEmpty();
        AdtToFhirMapper mapper = new AdtToFhirMapper(new AdtToFhirMapper.Settings(s.get("caravan.fhir.nhs-number-system"),
                s.get("caravan.fhir.mrn-system"), s.get("caravan.fhir.visit-number-system"),
                s.get("caravan.fhir.location-system"), identifierTypes, zone));
        FhirProjector projector = new FhirProjector(fhirStore, projection, push ? pushQueue : null, mapper, fhir,
                IdentityConflictPolicy.of(s.get("caravan.fhir.identity-conflict")));
        registry.bind("fhirProjector", projector);
        registry.bind("fhirReadApi", new FhirReadApi(fhir, fhirStore, authenticator, store, s.get("caravan.fhir.base-url")));
        FunctionCounter.builder("caravan.fhir.projected", projector, FhirProjector::projectedCount)
                .description("ADT messages projected into Caravan's FHIR store").register(meters);
        FunctionCounter.builder("caravan.fhir.identity.conflicts", projector, FhirProjector::identityConflictCount)
                .description("Patient identity conflicts met by the FHIR projection (see caravan.fhir.identity-conflict)")
                .register(meters);

        registry.bind("fhirPush", new FhirPush(pushQueue, s.getInt("caravan.fhir.push-max-attempts"),
                s.getLong("caravan.fhir.push-base-backoff-ms"), s.getLong("caravan.fhir.push-max-backoff-ms")));
        context.getPropertiesComponent().addOverrideProperty("caravan.fhir.push-enabled", Boolean.toString(push));
        if (!push) {
            // the fhir-push route does not start; its endpoint still needs a syntactically valid URI
            context.getPropertiesComponent().addOverrideProperty("caravan.fhir.push-uri", "log:fhir-push-disabled");
            return;
        }
        StringBuilder uri = new StringBuilder("fhir://transaction/withBundle?inBody=stringBundle&fhirVersion=R4&encoding=JSON"
                + "&validationMode=NEVER&fhirContext=#fhirContext&serverUrl=RAW(").append(serverUrl).append(')')
                .append("&connectionTimeout=").append(s.getInt("caravan.fhir.server-connect-timeout-ms"))
                .append("&socketTimeout=").append(s.getInt("caravan.fhir.server-timeout-ms"));
        String token = s.get("caravan.fhir.server-token");
        if (!token.isBlank()) {
            uri.append("&accessToken=RAW(").append(token).append(')');
        }
        String user = s.get("caravan.fhir.server-username");
        if (!user.isBlank()) {
            uri.append("&username=RAW(").append(user).append(")&password=RAW(").append(s.get("caravan.fhir.server-password")).append(')');
        }
        context.getPropertiesComponent().addOverrideProperty("caravan.fhir.push-uri", uri.toString());
        Gauge.builder("caravan.fhir.push.pending", pushQueue, q -> count(q, "PENDING"))
                .description("Transaction Bundles waiting for the external FHIR server").register(meters);
        Gauge.builder("caravan.fhir.push.dead", pushQueue, q -> count(q, "DEAD"))
                .description("Transaction Bundles the external FHIR server refused").register(meters);
    }

    private static double count(FhirPushQueue queue, String state) {
        try {
            return queue.count(state);
        } catch (java.sql.SQLException e) {
            return Double.NaN;
        }
    }

    /**
     * The outbox (written with every accepted message), the broker (RabbitMQ at CARAVAN_RABBITMQ_URL,
     * else an embedded one) and the relay between them, stopped before the store so it can flush.
     */
    private static void startPublication(CamelContext context, Settings s, MessageStore store,
                                         MeterRegistry meters) throws Exception {
        PublicationSettings publication = PublicationSettings.derive(s.get("caravan.publish.exchange"),
                s.get("caravan.publish.routing-key"), s.get("caravan.publish.dead-letter-exchange"),
                s.get("caravan.publish.retry-exchange"), s.getLong("caravan.publish.retry-ttl-ms"),
                "bzip2".equalsIgnoreCase(s.get("caravan.publish.compression")),
                s.get("caravan.publish.errors-queue"), s.get("caravan.publish.retry-queue"));
        OutboxTable outbox = new OutboxTable(store.dataSource(), publication);
        store.addOutboxWriter(outbox);

        String amqpUri = s.get("caravan.rabbitmq.url");
        boolean embedded = amqpUri == null || amqpUri.isBlank();
        if (embedded) {
            EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start(Path.of(s.get("caravan.data-dir")),
                    s.get("caravan.amqp.host"), s.getInt("caravan.amqp.port"));
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
        OutboxRelay relay = new OutboxRelay(outbox, publisher, s.getInt("caravan.outbox.batch-size"),
                s.getLong("caravan.outbox.max-backoff-ms"), s.getLong("caravan.outbox.linger-ms"));
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
        HealthCheckRegistry.get(context).register(
                new OutboxHealthCheck(relay, s.getLong("caravan.outbox.unhealthy-after-seconds"), brokerSetting));
    }

    /** ORU^R01 building and durable delivery to the EPR service adapter. */
    private static void configureOutbound(Registry registry, Settings s, MessageStore store, ZoneId zone) {
        DeliveryStore deliveries = new DeliveryStore(store.dataSource());
        String eprUrl = s.get("caravan.epr.url");
        EprAdapterClient epr = eprUrl == null || eprUrl.isBlank() ? null
                : new EprAdapterClient(eprUrl, s.get("caravan.epr.issuer"), s.get("caravan.epr.hs-key"),
                        s.get("caravan.epr.scope"), Duration.ofMillis(s.getLong("caravan.epr.timeout-ms")));
        String cdaUrl = s.get("caravan.cda.url");
        MirthSoapClient mirth = cdaUrl == null || cdaUrl.isBlank() ? null
                : new MirthSoapClient(cdaUrl, s.get("caravan.cda.username"), s.get("caravan.cda.password"),
                        Duration.ofMillis(s.getLong("caravan.cda.timeout-ms")));
        Deliverer deliverer = new Deliverer(deliveries, epr, mirth, s.getInt("caravan.delivery.max-attempts"),
                s.getLong("caravan.delivery.base-backoff-ms"), s.getLong("caravan.delivery.max-backoff-ms"));
        Path settingsFile = Path.of(s.get("caravan.oru.settings"));
        Supplier<OruSettings> oruSettings = () -> {
            try {
                return OruSettings.fromTrustomer(new ObjectMapper().readTree(settingsFile.toFile()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("Cannot read ORU settings " + settingsFile, e);
            }
        };
        registry.bind("deliverer", deliverer);
        CdaSchemaValidator cdaSchema = new CdaSchemaValidator();
        CdaService cda = new CdaService(cdaSchema, deliveries, deliverer, mirth != null, zone, Clock.systemUTC());
        registry.bind("receiveCdaMessage", new JsonServiceEndpoint(cda::receive));
        try {
            CdaDocumentBuilder documents = new CdaDocumentBuilder(Path.of(s.get("caravan.cda.templates")),
                    new CdaDocumentBuilder.Settings(s.get("caravan.cda.id-root"), s.get("caravan.cda.custodian-id"),
                            s.get("caravan.cda.custodian-name"), s.get("caravan.cda.realm"), s.get("caravan.cda.language")),
                    zone);
            registry.bind("buildCdaDocument", new BuildCdaDocument(documents, cdaSchema, cda, mirth != null, Clock.systemUTC()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot read the CDA templates in " + s.get("caravan.cda.templates"), e);
        }
        registry.bind("deliveryApi", new DeliveryApi(deliveries));
        OruService oru = new OruService(oruSettings, zone, Clock.systemUTC(), deliveries, deliverer);
        registry.bind("receiveOruRequest", new JsonServiceEndpoint(oru::receive));
    }

    /**
     * The C-CDA examples library: the sync coordinator (its Git steps are the examples-sync route), the
     * web site, the JSON API and the webhook. The existing working copy is served at once; the first
     * sync starts when the context has started.
     */
    private static void configureExamples(CamelContext context, Registry registry, Settings s, MessageStore store)
            throws Exception {
        ExamplesSync sync = new ExamplesSync(new ExamplesSync.Settings(s.get("caravan.examples.repo-url"),
                s.get("caravan.examples.branch"), Path.of(s.get("caravan.examples.dir")).toAbsolutePath(),
                Boolean.parseBoolean(s.get("caravan.examples.push")), s.get("caravan.examples.git-username"),
                s.get("caravan.examples.git-password"), s.get("caravan.examples.permalink-base"), null), store.dataSource());
        long pollMs = durationMs(s.get("caravan.examples.poll"));
        context.getPropertiesComponent().addOverrideProperty("caravan.examples.poll", Long.toString(Math.max(pollMs, 1000)));
        context.getPropertiesComponent().addOverrideProperty("caravan.examples.polling",
                Boolean.toString(pollMs > 0 && sync.settings().configured()));
        context.getPropertiesComponent().addOverrideProperty("caravan.examples.dir", sync.settings().workDir().toString());
        registry.bind("examplesSync", sync);
        registry.bind("examplesSyncSteps", new ExamplesSyncSteps(sync));
        registry.bind("examplesSite", new ExamplesSite(sync, s.get("caravan.examples.web-url")));
        registry.bind("examplesApi", new ExamplesApi(sync, s.get("caravan.examples.web-url")));
        registry.bind("githubWebhook", new GitHubWebhook(sync, s.get("caravan.examples.webhook-secret")));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                sync.close();
            }
        }, true, true);
        context.getManagementStrategy().addEventNotifier(new org.apache.camel.support.EventNotifierSupport() {
            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) {
                if (event instanceof org.apache.camel.spi.CamelEvent.CamelContextStartedEvent) {
                    ProducerTemplate template = context.createProducerTemplate();
                    sync.connect(trigger -> template.requestBody("direct:examples-sync", trigger));
                    sync.loadLocalCopy();
                    sync.request("startup");
                }
            }
        });
    }

    /**
     * A large request body to the authenticated API is read only after its bearer token checks out: the
     * check runs first on the HTTP server's router, once it exists (when the context has started).
     */
    private static void checkTokensBeforeBodies(CamelContext context, JwtAuthenticator authenticator, long threshold) {
        context.getManagementStrategy().addEventNotifier(new org.apache.camel.support.EventNotifierSupport() {
            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) {
                if (event instanceof org.apache.camel.spi.CamelEvent.CamelContextStartedEvent) {
                    for (org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter router : context.getRegistry()
                            .findByType(org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.class)) {
                        router.route().order(-1000).handler(new health.caravan.web.TokenBeforeBody(authenticator, threshold));
                    }
                }
            }
        });
    }

    /** "30s", "5m", "1h", "250ms" or plain milliseconds (Camel's duration syntax); 0 or empty = off. */
    static long durationMs(String value) {
        return value == null || value.isBlank() ? 0 : org.apache.camel.util.TimeUtils.toMilliSeconds(value.trim());
    }

    /** Timed SQL extracts: a pool on the clinical database, the ReqCheck client, the runner and its API. */
    private static void configureExtracts(CamelContext context, Registry registry, Settings s, MessageStore store, ZoneId zone)
            throws Exception {
        String sourceUrl = s.get("caravan.extracts.db.url");
        HikariDataSource source = null;
        if (sourceUrl != null && !sourceUrl.isBlank()) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(sourceUrl);
            String user = s.get("caravan.extracts.db.user");
            if (user != null && !user.isBlank()) {
                config.setUsername(user);
            }
            String password = s.get("caravan.extracts.db.password");
            if (password != null && !password.isBlank()) {
                config.setPassword(password);
            }
            config.setPoolName("caravan-extract-source");
            config.setMaximumPoolSize(2);
            config.setInitializationFailTimeout(-1);
            source = new HikariDataSource(config);
        }
        String reqcheckUrl = s.get("caravan.reqcheck.url");
        ReqCheckClient reqcheck = reqcheckUrl == null || reqcheckUrl.isBlank() ? null
                : new ReqCheckClient(reqcheckUrl, s.get("caravan.reqcheck.username"), s.get("caravan.reqcheck.password"));
        String[] start = s.get("caravan.extracts.start-date").split("/");
        ExtractRunner runner = new ExtractRunner(store.dataSource(), source, reqcheck, new ExtractRunner.Settings(
                s.get("caravan.extracts.mode").toUpperCase(java.util.Locale.ROOT),
                java.time.LocalDate.of(Integer.parseInt(start[1].trim()), Integer.parseInt(start[0].trim()), 1),
                s.get("caravan.reqcheck.key").getBytes(java.nio.charset.StandardCharsets.UTF_8), zone,
                Path.of(s.get("caravan.extracts.dir")), Path.of(s.get("caravan.data-dir")).resolve("extracts"),
                s.getInt("caravan.extracts.post-attempts"), s.getLong("caravan.extracts.retry-backoff-ms")));
        registry.bind("extractRunner", runner);
        registry.bind("extractApi", new ExtractApi(runner, store.dataSource()));
        HikariDataSource sourcePool = source;
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                runner.close();
                if (sourcePool != null) {
                    sourcePool.close();
                }
            }
        }, true, true);
    }

    private static SSLContextParameters tls(Settings s) {
        SSLContextParameters tls = new SSLContextParameters();
        if (!Boolean.parseBoolean(s.get("caravan.mllp.tls.enabled"))) {
            return tls;
        }
        KeyStoreParameters keyStore = new KeyStoreParameters();
        keyStore.setResource("file:" + s.get("caravan.mllp.tls.keystore"));
        keyStore.setPassword(s.get("caravan.mllp.tls.keystore-password"));
        keyStore.setType(s.get("caravan.mllp.tls.keystore-type"));
        KeyManagersParameters keyManagers = new KeyManagersParameters();
        keyManagers.setKeyStore(keyStore);
        keyManagers.setKeyPassword(s.get("caravan.mllp.tls.keystore-password"));
        tls.setKeyManagers(keyManagers);
        String truststore = s.get("caravan.mllp.tls.truststore");
        if (truststore != null && !truststore.isBlank()) {
            KeyStoreParameters trustStore = new KeyStoreParameters();
            trustStore.setResource("file:" + truststore);
            trustStore.setPassword(s.get("caravan.mllp.tls.truststore-password"));
            trustStore.setType(s.get("caravan.mllp.tls.keystore-type"));
            TrustManagersParameters trustManagers = new TrustManagersParameters();
            trustManagers.setKeyStore(trustStore);
            tls.setTrustManagers(trustManagers);
        }
        SSLContextServerParameters server = new SSLContextServerParameters();
        server.setClientAuthentication(Boolean.parseBoolean(s.get("caravan.mllp.tls.client-auth")) ? "REQUIRE" : "NONE");
        tls.setServerParameters(server);
        return tls;
    }

    private static void printDevelopmentToken(JwtAuthenticator authenticator, String issuer) {
        String token = authenticator.issueInternalToken("caravan-dev", DEVELOPMENT_SCOPES, 24 * 3600);
        LOG.warn("No CARAVAN_JWT_HS_KEY configured: generated a signing key for this process only; "
                + "the development token is printed on standard output");
        System.out.println();
        System.out.println("==== Caravan development token (issuer " + issuer + ", valid 24 h, scopes " + DEVELOPMENT_SCOPES + ") ====");
        System.out.println(token);
        System.out.println("==== use it as:  Authorization: Bearer <token>  (set CARAVAN_JWT_HS_KEY to turn this off) ====");
        System.out.println();
    }

    /** Reads {@code caravan.*} settings through Camel's property placeholders (so env overrides apply). */
    static final class Settings {
        private final CamelContext context;

        Settings(CamelContext context) {
            this.context = context;
        }

        String get(String key) {
            String v = context.getPropertiesComponent().resolveProperty(key).orElse(null);
            return v == null ? null : context.resolvePropertyPlaceholders(v).trim();
        }

        int getInt(String key) {
            return Integer.parseInt(require(key));
        }

        long getLong(String key) {
            return Long.parseLong(require(key));
        }

        private String require(String key) {
            String v = get(key);
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException("Missing setting " + key);
            }
            return v;
        }
    }
}
