package health.caravan.inbound;

import java.nio.charset.Charset;
import java.time.Clock;
import java.time.ZoneId;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.hl7.HL7MLLPNettyEncoderFactory;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerUtils;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SSLContextServerParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

import health.caravan.mllp.MllpAllowList;
import health.caravan.mllp.MllpBackpressure;
import health.caravan.mllp.MllpFrameDecoderFactory;
import health.caravan.mllp.MllpIdleTimeoutFactory;
import health.caravan.store.MessageStore;
import health.caravan.transformations.AckBuilder;
import health.caravan.transformations.IdentifierTypes;

/**
 * HL7 v2 reception: the {@code inboundPipeline} (store, then ACK), the MLLP listener's parts the kamelet
 * names ({@code receiveHl7OverMllp}, {@code mllpFrameDecoder}, {@code mllpFrameEncoder}, {@code mllpAllowList},
 * {@code mllpIdleTimeout}, {@code mllpTls}) and the HTTP API's {@code receiveHl7OverHttp} and
 * {@code messageQueries}. Needs {@code messageStore} and the metrics registry.
 */
public final class InboundConfiguration implements CamelConfiguration {

    @PropertyInject("caravan.timezone")
    String timezone;
    @PropertyInject("caravan.identifiers.mrn-types")
    String mrnTypes;
    @PropertyInject("caravan.identifiers.nhs-types")
    String nhsTypes;
    @PropertyInject("caravan.ack.application")
    String ackApplication;
    @PropertyInject("caravan.ack.error-codes")
    String ackErrorCodes;
    @PropertyInject("caravan.store.ack-timeout-ms")
    long ackTimeoutMs;
    @PropertyInject("caravan.mllp.default-charset")
    String defaultCharset;
    @PropertyInject("caravan.mllp.on-store-failure")
    String onStoreFailure;
    @PropertyInject("caravan.mllp.max-in-flight-frames")
    int maxInFlightFrames;
    @PropertyInject("caravan.mllp.max-in-flight-bytes")
    long maxInFlightBytes;
    @PropertyInject("caravan.mllp.max-frame-bytes")
    int maxFrameBytes;
    @PropertyInject("caravan.mllp.frame-timeout-ms")
    long frameTimeoutMs;
    @PropertyInject("caravan.mllp.allowed-senders")
    String allowedSenders;
    @PropertyInject("caravan.mllp.idle-timeout-ms")
    long idleTimeoutMs;
    @PropertyInject("caravan.mllp.tls.enabled")
    String tlsEnabled;
    @PropertyInject("caravan.mllp.tls.keystore")
    String keystore;
    @PropertyInject("caravan.mllp.tls.keystore-password")
    String keystorePassword;
    @PropertyInject("caravan.mllp.tls.keystore-type")
    String keystoreType;
    @PropertyInject("caravan.mllp.tls.truststore")
    String truststore;
    @PropertyInject("caravan.mllp.tls.truststore-password")
    String truststorePassword;
    @PropertyInject("caravan.mllp.tls.client-auth")
    String clientAuth;

    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        MessageStore store = registry.lookupByNameAndType("messageStore", MessageStore.class);
        MeterRegistry meters = MicrometerUtils.getMeterRegistryFromCamelRegistry(registry, MicrometerConstants.METRICS_REGISTRY_NAME);
        InboundPipeline pipeline = new InboundPipeline(store, IdentifierTypes.parse(mrnTypes.trim(), nhsTypes.trim()),
                ZoneId.of(timezone.trim()), Clock.systemUTC(), ackApplication.trim(), ackTimeoutMs, meters,
                AckBuilder.ErrorCodes.parse(ackErrorCodes.trim()));
        registry.bind("inboundPipeline", pipeline);

        // MLLP listener parts
        registry.bind("receiveHl7OverMllp", new ReceiveHl7OverMllp(pipeline, Charset.forName(defaultCharset.trim()),
                "nak".equalsIgnoreCase(onStoreFailure.trim()), new MllpBackpressure(maxInFlightFrames, maxInFlightBytes)));
        registry.bind("mllpFrameDecoder", new MllpFrameDecoderFactory(maxFrameBytes, frameTimeoutMs));
        registry.bind("mllpFrameEncoder", new HL7MLLPNettyEncoderFactory());
        registry.bind("mllpAllowList", new MllpAllowList(allowedSenders.trim()));
        registry.bind("mllpIdleTimeout", new MllpIdleTimeoutFactory(idleTimeoutMs));
        registry.bind("mllpTls", tls());

        // HTTP API parts
        registry.bind("receiveHl7OverHttp", new ReceiveHl7OverHttp(pipeline));
        registry.bind("messageQueries", new MessageQueries(store));
    }

    private SSLContextParameters tls() {
        SSLContextParameters tls = new SSLContextParameters();
        if (!Boolean.parseBoolean(tlsEnabled.trim())) {
            return tls;
        }
        KeyStoreParameters keyStore = new KeyStoreParameters();
        keyStore.setResource("file:" + keystore.trim());
        keyStore.setPassword(keystorePassword.trim());
        keyStore.setType(keystoreType.trim());
        KeyManagersParameters keyManagers = new KeyManagersParameters();
        keyManagers.setKeyStore(keyStore);
        keyManagers.setKeyPassword(keystorePassword.trim());
        tls.setKeyManagers(keyManagers);
        if (!truststore.isBlank()) {
            KeyStoreParameters trustStore = new KeyStoreParameters();
            trustStore.setResource("file:" + truststore.trim());
            trustStore.setPassword(truststorePassword.trim());
            trustStore.setType(keystoreType.trim());
            TrustManagersParameters trustManagers = new TrustManagersParameters();
            trustManagers.setKeyStore(trustStore);
            tls.setTrustManagers(trustManagers);
        }
        SSLContextServerParameters server = new SSLContextServerParameters();
        server.setClientAuthentication(Boolean.parseBoolean(clientAuth.trim()) ? "REQUIRE" : "NONE");
        tls.setServerParameters(server);
        return tls;
    }
}
