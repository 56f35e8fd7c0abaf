package health.caravan.examples;

import org.apache.camel.Exchange;


/** The {@code examples-sync} route's Java steps; the run in progress travels as an exchange property. */
public final class ExamplesSyncSteps {

    static final String RUN = "caravan.examplesRun";

    private final ExamplesSync sync;

    public ExamplesSyncSteps(ExamplesSync sync) {
        this.sync = sync;
    }

    public void begin(Exchange exchange) throws Exception {
        ExamplesSync.Run run = sync.begin(exchange.getMessage().getBody(String.class));
        exchange.setProperty(RUN, run);
        exchange.setProperty("examplesClone", run.needsClone());
    }

    public void resetToRemote(Exchange exchange) throws Exception {
        sync.resetToRemote(run(exchange), exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    public void index(Exchange exchange) throws Exception {
        ExamplesSync.Run run = run(exchange);
        sync.index(run);
        exchange.setProperty("examplesWriteBack", sync.settings().push() ? run.writeBackCount() : 0);
    }

    public void pushed(Exchange exchange) throws Exception {
        sync.pushed(run(exchange));
    }

    public void pushFailed(Exchange exchange) throws Exception {
        sync.pushFailed(run(exchange), exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    public void publish(Exchange exchange) throws Exception {
        sync.publish(run(exchange));
    }

    public void failed(Exchange exchange) {
        sync.failed(run(exchange), exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    private static ExamplesSync.Run run(Exchange exchange) {
        return exchange.getProperty(RUN, ExamplesSync.Run.class);
    }
}
