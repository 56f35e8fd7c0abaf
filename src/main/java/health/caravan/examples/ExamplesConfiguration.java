package health.caravan.examples;

import java.nio.file.Path;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.TimeUtils;

import health.caravan.store.MessageStore;

/**
 * The C-CDA examples library: the {@code examplesSync} coordinator (its Git steps are the examples-sync
 * route, run by {@code examplesSyncSteps}), the {@code examplesSite}, the {@code examplesApi} and the
 * {@code githubWebhook}. The existing working copy is served at once; the first sync starts when the
 * context has started. Needs {@code messageStore}.
 */
public final class ExamplesConfiguration implements CamelConfiguration {

    @PropertyInject("caravan.examples.repo-url")
    String repoUrl;
    @PropertyInject("caravan.examples.branch")
    String branch;
    @PropertyInject("caravan.examples.dir")
    String dir;
    @PropertyInject("caravan.examples.push")
    String push;
    @PropertyInject("caravan.examples.git-username")
    String gitUsername;
    @PropertyInject("caravan.examples.git-password")
    String gitPassword;
    @PropertyInject("caravan.examples.permalink-base")
    String permalinkBase;
    @PropertyInject("caravan.examples.poll")
    String poll;
    @PropertyInject("caravan.examples.web-url")
    String webUrl;
    @PropertyInject("caravan.examples.webhook-secret")
    String webhookSecret;

    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        MessageStore store = registry.lookupByNameAndType("messageStore", MessageStore.class);
        ExamplesSync sync = new ExamplesSync(new ExamplesSync.Settings(repoUrl.trim(), branch.trim(),
                Path.of(dir.trim()).toAbsolutePath(), Boolean.parseBoolean(push.trim()), gitUsername.trim(),
                gitPassword.trim(), permalinkBase.trim(), null), store.dataSource());
        // Kept as override properties, derived for routes/examples.camel.yaml: "0 or empty = off" and "only with a
        // repository" are decisions a placeholder cannot make (the poll route's autoStartup and a timer period of at
        // least a second), and the Git endpoints get the same absolute working copy the sync coordinator uses.
        long pollMs = durationMs(poll);
        context.getPropertiesComponent().addOverrideProperty("caravan.examples.poll", Long.toString(Math.max(pollMs, 1000)));
        context.getPropertiesComponent().addOverrideProperty("caravan.examples.polling",
                Boolean.toString(pollMs > 0 && sync.settings().configured()));
        context.getPropertiesComponent().addOverrideProperty("caravan.examples.dir", sync.settings().workDir().toString());
        registry.bind("examplesSync", sync);
        registry.bind("examplesSyncSteps", new ExamplesSyncSteps(sync));
        registry.bind("examplesSite", new ExamplesSite(sync, webUrl.trim()));
        registry.bind("examplesApi", new ExamplesApi(sync, webUrl.trim()));
        registry.bind("githubWebhook", new GitHubWebhook(sync, webhookSecret.trim()));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                sync.close();
            }
        }, true, true);
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStartedEvent) {
                    ProducerTemplate template = context.createProducerTemplate();
                    sync.connect(trigger -> template.requestBody("direct:examples-sync", trigger));
                    sync.loadLocalCopy();
                    sync.request("startup");
                }
            }
        });
    }

    /** "30s", "5m", "1h", "250ms" or plain milliseconds (Camel's duration syntax); 0 or empty = off. */
    static long durationMs(String value) {
        return value == null || value.isBlank() ? 0 : TimeUtils.toMilliSeconds(value.trim());
    }
}
