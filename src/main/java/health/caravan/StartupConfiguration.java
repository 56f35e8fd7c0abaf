package health.caravan;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registered first: the {@link StartupChecks} refusals run before any configuration opens a pool, a port
 * or a broker. Binds {@code developmentMode} (a Boolean) for the security configuration.
 */
public final class StartupConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(StartupConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        StartupChecks checks = new StartupChecks(key -> {
            String v = context.getPropertiesComponent().resolveProperty(key).orElse(null);
            return v == null ? null : context.resolvePropertyPlaceholders(v).trim();
        });
        StartupChecks.DevelopmentMode development = checks.developmentMode();
        checks.security();
        checks.ports();
        context.getRegistry().bind("developmentMode", Boolean.valueOf(development.on()));
        if (development.on()) {
            LOG.warn("Development mode ({}): not for production; set CARAVAN_JWT_HS_KEY or CARAVAN_JWKS_URL and an "
                    + "external database to turn it off", development.reason());
        }
    }
}
