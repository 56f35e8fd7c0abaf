package health.caravan.fhir;

import java.sql.SQLException;
import java.time.ZoneId;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerUtils;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

import health.caravan.security.JwtAuthenticator;
import health.caravan.store.MessageStore;
import health.caravan.transformations.IdentifierTypes;
import health.caravan.transformations.fhir.AdtToFhirMapper;

/**
 * FHIR R4: {@code fhirContext}, the C-CDA conversion API ({@code fhirApi}), Caravan's FHIR store fed from
 * accepted ADT messages ({@code fhirProjector}; the projection queue is written with each message), its read
 * API ({@code fhirReadApi}), and the push of transaction Bundles to an external FHIR server
 * (CARAVAN_FHIR_SERVER_URL) with camel-fhir ({@code fhirPush}). Needs {@code messageStore},
 * {@code jwtAuthenticator} and the metrics registry.
 */
public final class FhirConfiguration implements CamelConfiguration {

    @PropertyInject("caravan.timezone")
    String timezone;
    @PropertyInject("caravan.identifiers.mrn-types")
    String mrnTypes;
    @PropertyInject("caravan.identifiers.nhs-types")
    String nhsTypes;
    @PropertyInject("caravan.fhir.nhs-number-system")
    String nhsNumberSystem;
    @PropertyInject("caravan.fhir.mrn-system")
    String mrnSystem;
    @PropertyInject("caravan.fhir.visit-number-system")
    String visitNumberSystem;
    @PropertyInject("caravan.fhir.location-system")
    String locationSystem;
    @PropertyInject("caravan.fhir.identity-conflict")
    String identityConflict;
    @PropertyInject("caravan.fhir.base-url")
    String baseUrl;
    @PropertyInject("caravan.fhir.server-url")
    String serverUrl;
    @PropertyInject("caravan.fhir.server-token")
    String serverToken;
    @PropertyInject("caravan.fhir.server-username")
    String serverUsername;
    @PropertyInject("caravan.fhir.server-password")
    String serverPassword;
    @PropertyInject("caravan.fhir.server-connect-timeout-ms")
    int serverConnectTimeoutMs;
    @PropertyInject("caravan.fhir.server-timeout-ms")
    int serverTimeoutMs;
    @PropertyInject("caravan.fhir.push-max-attempts")
    int pushMaxAttempts;
    @PropertyInject("caravan.fhir.push-base-backoff-ms")
    long pushBaseBackoffMs;
    @PropertyInject("caravan.fhir.push-max-backoff-ms")
    long pushMaxBackoffMs;

    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        MessageStore store = registry.lookupByNameAndType("messageStore", MessageStore.class);
        JwtAuthenticator authenticator = registry.lookupByNameAndType("jwtAuthenticator", JwtAuthenticator.class);
        MeterRegistry meters = MicrometerUtils.getMeterRegistryFromCamelRegistry(registry, MicrometerConstants.METRICS_REGISTRY_NAME);

        FhirContext fhir = FhirContext.forR4Cached();
        registry.bind("fhirContext", fhir);
        String version = FhirConfiguration.class.getPackage().getImplementationVersion();
        registry.bind("fhirApi", new FhirApi(fhir, authenticator, version == null ? "dev" : version));

        FhirStore fhirStore = new FhirStore(store.dataSource(), fhir);
        FhirProjectionQueue projection = new FhirProjectionQueue(store.dataSource());
        store.addOutboxWriter(projection);
        String server = serverUrl.trim();
        FhirPushQueue pushQueue = new FhirPushQueue(store.dataSource());
        boolean push = !server.isEmpty();
        ZoneId zone = ZoneId.of(timezone.trim());
        AdtToFhirMapper mapper = new AdtToFhirMapper(new AdtToFhirMapper.Settings(nhsNumberSystem.trim(), mrnSystem.trim(),
                visitNumberSystem.trim(), locationSystem.trim(), IdentifierTypes.parse(mrnTypes.trim(), nhsTypes.trim()), zone));
        FhirProjector projector = new FhirProjector(fhirStore, projection, push ? pushQueue : null, mapper, fhir,
                IdentityConflictPolicy.of(identityConflict.trim()));
        registry.bind("fhirProjector", projector);
        registry.bind("fhirReadApi", new FhirReadApi(fhir, fhirStore, authenticator, store, baseUrl.trim()));
        FunctionCounter.builder("caravan.fhir.projected", projector, FhirProjector::projectedCount)
                .description("ADT messages projected into Caravan's FHIR store").register(meters);
        FunctionCounter.builder("caravan.fhir.identity.conflicts", projector, FhirProjector::identityConflictCount)
                .description("Patient identity conflicts met by the FHIR projection (see caravan.fhir.identity-conflict)")
                .register(meters);

        // the fhir-push route refers to #fhirPush even when it does not start, so the bean is bound either way
        registry.bind("fhirPush", new FhirPush(pushQueue, pushMaxAttempts, pushBaseBackoffMs, pushMaxBackoffMs));
        // Kept as override properties for routes/fhir.camel.yaml: whether the push route starts depends on whether
        // caravan.fhir.server-url is empty, and the camel-fhir URI carries the token or basic-auth options only
        // when they are set (an empty accessToken would still send "Bearer "); placeholders cannot decide either.
        PropertiesComponent properties = context.getPropertiesComponent();
        properties.addOverrideProperty("caravan.fhir.push-enabled", Boolean.toString(push));
        if (!push) {
            // the fhir-push route does not start; its endpoint still needs a syntactically valid URI
            properties.addOverrideProperty("caravan.fhir.push-uri", "log:fhir-push-disabled");
            return;
        }
        StringBuilder uri = new StringBuilder("fhir://transaction/withBundle?inBody=stringBundle&fhirVersion=R4&encoding=JSON"
                + "&validationMode=NEVER&fhirContext=#fhirContext&serverUrl=RAW(").append(server).append(')')
                .append("&connectionTimeout=").append(serverConnectTimeoutMs)
                .append("&socketTimeout=").append(serverTimeoutMs);
        if (!serverToken.isBlank()) {
            uri.append("&accessToken=RAW(").append(serverToken.trim()).append(')');
        }
        if (!serverUsername.isBlank()) {
            uri.append("&username=RAW(").append(serverUsername.trim()).append(")&password=RAW(")
                    .append(serverPassword.trim()).append(')');
        }
        properties.addOverrideProperty("caravan.fhir.push-uri", uri.toString());
        Gauge.builder("caravan.fhir.push.pending", pushQueue, q -> count(q, "PENDING"))
                .description("Transaction Bundles waiting for the external FHIR server").register(meters);
        Gauge.builder("caravan.fhir.push.dead", pushQueue, q -> count(q, "DEAD"))
                .description("Transaction Bundles the external FHIR server refused").register(meters);
    }

    private static double count(FhirPushQueue queue, String state) {
        try {
            return queue.count(state);
        } catch (SQLException e) {
            return Double.NaN;
        }
    }
}
