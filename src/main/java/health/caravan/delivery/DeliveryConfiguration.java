package health.caravan.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.Registry;

import health.caravan.store.MessageStore;
import health.caravan.transformations.CdaDocumentBuilder;
import health.caravan.transformations.CdaSchemaValidator;
import health.caravan.transformations.OruSettings;
import health.caravan.web.JsonServiceEndpoint;

/**
 * Outbound delivery: ORU^R01 building and CDA documents, delivered durably to the EPR service adapter
 * (CARAVAN_EPR_URL) and Mirth (CARAVAN_CDA_URL). Binds {@code deliverer}, {@code receiveOruRequest},
 * {@code receiveCdaMessage}, {@code buildCdaDocument} and {@code deliveryApi}. Needs {@code messageStore}.
 */
public final class DeliveryConfiguration implements CamelConfiguration {

    @PropertyInject("caravan.timezone")
    String timezone;
    @PropertyInject("caravan.epr.url")
    String eprUrl;
    @PropertyInject("caravan.epr.issuer")
    String eprIssuer;
    @PropertyInject("caravan.epr.hs-key")
    String eprHsKey;
    @PropertyInject("caravan.epr.scope")
    String eprScope;
    @PropertyInject("caravan.epr.timeout-ms")
    long eprTimeoutMs;
    @PropertyInject("caravan.cda.url")
    String cdaUrl;
    @PropertyInject("caravan.cda.username")
    String cdaUsername;
    @PropertyInject("caravan.cda.password")
    String cdaPassword;
    @PropertyInject("caravan.cda.timeout-ms")
    long cdaTimeoutMs;
    @PropertyInject("caravan.delivery.max-attempts")
    int maxAttempts;
    @PropertyInject("caravan.delivery.base-backoff-ms")
    long baseBackoffMs;
    @PropertyInject("caravan.delivery.max-backoff-ms")
    long maxBackoffMs;
    @PropertyInject("caravan.oru.settings")
    String oruSettingsFile;
    @PropertyInject("caravan.cda.templates")
    String cdaTemplates;
    @PropertyInject("caravan.cda.id-root")
    String cdaIdRoot;
    @PropertyInject("caravan.cda.custodian-id")
    String cdaCustodianId;
    @PropertyInject("caravan.cda.custodian-name")
    String cdaCustodianName;
    @PropertyInject("caravan.cda.realm")
    String cdaRealm;
    @PropertyInject("caravan.cda.language")
    String cdaLanguage;

    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        MessageStore store = registry.lookupByNameAndType("messageStore", MessageStore.class);
        ZoneId zone = ZoneId.of(timezone.trim());
        DeliveryStore deliveries = new DeliveryStore(store.dataSource());
        EprAdapterClient epr = eprUrl.isBlank() ? null
                : new EprAdapterClient(eprUrl.trim(), eprIssuer.trim(), eprHsKey.trim(), eprScope.trim(),
                        Duration.ofMillis(eprTimeoutMs));
        MirthSoapClient mirth = cdaUrl.isBlank() ? null
                : new MirthSoapClient(cdaUrl.trim(), cdaUsername.trim(), cdaPassword.trim(), Duration.ofMillis(cdaTimeoutMs));
        Deliverer deliverer = new Deliverer(deliveries, epr, mirth, maxAttempts, baseBackoffMs, maxBackoffMs);
        Path settingsFile = Path.of(oruSettingsFile.trim());
        Supplier<OruSettings> oruSettings = () -> {
            try {
                return OruSettings.fromTrustomer(new ObjectMapper().readTree(settingsFile.toFile()));
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read ORU settings " + settingsFile, e);
            }
        };
        registry.bind("deliverer", deliverer);
        CdaSchemaValidator cdaSchema = new CdaSchemaValidator();
        CdaService cda = new CdaService(cdaSchema, deliveries, deliverer, mirth != null, zone, Clock.systemUTC());
        registry.bind("receiveCdaMessage", new JsonServiceEndpoint(cda::receive));
        try {
            CdaDocumentBuilder documents = new CdaDocumentBuilder(Path.of(cdaTemplates.trim()),
                    new CdaDocumentBuilder.Settings(cdaIdRoot.trim(), cdaCustodianId.trim(), cdaCustodianName.trim(),
                            cdaRealm.trim(), cdaLanguage.trim()),
                    zone);
            registry.bind("buildCdaDocument", new BuildCdaDocument(documents, cdaSchema, cda, mirth != null, Clock.systemUTC()));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the CDA templates in " + cdaTemplates.trim(), e);
        }
        registry.bind("deliveryApi", new DeliveryApi(deliveries));
        OruService oru = new OruService(oruSettings, zone, Clock.systemUTC(), deliveries, deliverer);
        registry.bind("receiveOruRequest", new JsonServiceEndpoint(oru::receive));
    }
}
