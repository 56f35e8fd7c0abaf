package health.caravan;

import java.util.List;
import java.util.Map;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

import health.caravan.delivery.DeliveryConfiguration;
import health.caravan.examples.ExamplesConfiguration;
import health.caravan.extract.ExtractsConfiguration;
import health.caravan.fhir.FhirConfiguration;
import health.caravan.inbound.InboundConfiguration;
import health.caravan.ops.OpsConfiguration;
import health.caravan.ops.SettingsSummary;
import health.caravan.publish.PublishConfiguration;
import health.caravan.security.SecurityConfiguration;
import health.caravan.store.StoreConfiguration;

/**
 * Starts Caravan: camel-main with {@code application.properties}, the YAML routes in {@code routes/}
 * and the beans of the features' configuration classes (one per package, registered in order below). Run it from the directory that holds {@code routes/} and
 * {@code kamelets/} (the repository root, or the container's {@code /app}).
 */
public final class Caravan {

    private final Main main;

    private Caravan(Map<String, String> overrides) {
        main = new Main();
        main.setDefaultPropertyPlaceholderLocation(
                "classpath:application.properties;optional=true,file:application.properties;optional=true");
        // Camel configures these in this order: the start-up refusals before anything opens, then the store every
        // feature writes to, then the features (a later one looks up an earlier one's beans by name). Each stop
        // service is added as it is built, and Camel stops them in reverse: the store (added first) stops last.
        for (Class<? extends CamelConfiguration> configuration : List.of(StartupConfiguration.class, StoreConfiguration.class,
                OpsConfiguration.class, PublishConfiguration.class, SecurityConfiguration.class, InboundConfiguration.class,
                DeliveryConfiguration.class, ExtractsConfiguration.class, ExamplesConfiguration.class, FhirConfiguration.class)) {
            main.configure().addConfiguration(configuration);
        }
        // camel-main's property summary masks only a fixed list of names (caravan.jwt.hs-key was printed in
        // clear) and never credentials inside URLs: Caravan logs its own masked summary instead
        main.configure().setAutoConfigurationLogSummary(false);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                // before the configuration classes convert their settings: a non-number is named
                StartupChecks.numbers(m.getCamelContext());
            }

            @Override
            public void afterConfigure(BaseMainSupport m) {
                SettingsSummary.log(m.getCamelContext());
            }
        });
        overrides.forEach(main::addOverrideProperty);
    }

    public static void main(String[] args) throws Exception {
        try {
            new Caravan(Map.of()).main.run(args);
        } catch (Exception | Error e) {
            // the last line says why, not Camel's shutdown hook: nothing else may run after it
            org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Caravan.class);
            String why = rootMessage(e);
            if (!why.startsWith("Refusing to start")) {
                log.error("Start failed", e);
            }
            log.error("Caravan did not start: {}", why);
            org.apache.logging.log4j.LogManager.shutdown();
            Runtime.getRuntime().halt(1);
        }
    }

    /**
     * Why the start failed, for the last log line: a refusal's message (it names its setting and what to
     * do), else the outermost message that names a setting (a property Camel could not convert), else the
     * innermost message.
     */
    static String rootMessage(Throwable e) {
        String innermost = e.getClass().getName();
        String namingSetting = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m == null) {
                continue;
            }
            if (m.startsWith("Refusing to start")) {
                return m;
            }
            if (namingSetting == null && (m.contains("caravan.") || m.contains("CARAVAN_"))) {
                namingSetting = m;
            }
            innermost = m;
        }
        return namingSetting != null ? namingSetting : innermost;
    }

    /** Starts Caravan in this JVM (tests, benchmarks) with settings that override the properties file. */
    public static Caravan start(Map<String, String> overrides) throws Exception {
        Caravan caravan = new Caravan(overrides);
        caravan.main.start();
        return caravan;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public void stop() throws Exception {
        main.stop();
    }
}
