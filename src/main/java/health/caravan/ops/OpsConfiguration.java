package health.caravan.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerUtils;
import org.apache.camel.spi.Registry;

import health.caravan.web.ApiErrorResponder;

/**
 * The operations endpoints' beans and the metrics registry the other features register their meters in:
 * Camel's Prometheus registry (served at /observe/metrics), created here if Camel has not yet.
 */
public final class OpsConfiguration implements CamelConfiguration {

    @PropertyInject("caravan.observe.health-details")
    boolean healthDetails;

    @BindToRegistry("versionInfo")
    public VersionInfo versionInfo() {
        return new VersionInfo();
    }

    @BindToRegistry("apiErrorResponder")
    public ApiErrorResponder apiErrorResponder() {
        return new ApiErrorResponder();
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        MeterRegistry meters = MicrometerUtils.getMeterRegistryFromCamelRegistry(registry, MicrometerConstants.METRICS_REGISTRY_NAME);
        if (meters == null) {
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        }
        registry.bind("observeHealth", new ObserveHealth(healthDetails));
    }

}
