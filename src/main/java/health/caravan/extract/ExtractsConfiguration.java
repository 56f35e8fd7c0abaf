package health.caravan.extract;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;

import health.caravan.store.MessageStore;

/**
 * Timed SQL extracts: a pool on the clinical database (CARAVAN_EXTRACTS_DB_URL, none without it), the
 * ReqCheck client (none without CARAVAN_REQCHECK_URL), the {@code extractRunner} and its {@code extractApi}.
 * Needs {@code messageStore}; the runner and the pool stop before the store.
 */
public final class ExtractsConfiguration implements CamelConfiguration {

    @PropertyInject("caravan.timezone")
    String timezone;
    @PropertyInject("caravan.data-dir")
    String dataDir;
    @PropertyInject("caravan.extracts.db.url")
    String sourceUrl;
    @PropertyInject("caravan.extracts.db.user")
    String sourceUser;
    @PropertyInject("caravan.extracts.db.password")
    String sourcePassword;
    @PropertyInject("caravan.reqcheck.url")
    String reqcheckUrl;
    @PropertyInject("caravan.reqcheck.username")
    String reqcheckUsername;
    @PropertyInject("caravan.reqcheck.password")
    String reqcheckPassword;
    @PropertyInject("caravan.reqcheck.key")
    String reqcheckKey;
    @PropertyInject("caravan.extracts.start-date")
    String startDate;
    @PropertyInject("caravan.extracts.mode")
    String mode;
    @PropertyInject("caravan.extracts.dir")
    String dir;
    @PropertyInject("caravan.extracts.post-attempts")
    int postAttempts;
    @PropertyInject("caravan.extracts.retry-backoff-ms")
    long retryBackoffMs;

    @Override
    public void configure(CamelContext context) throws Exception {
        MessageStore store = context.getRegistry().lookupByNameAndType("messageStore", MessageStore.class);
        HikariDataSource source = null;
        if (!sourceUrl.isBlank()) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(sourceUrl.trim());
            if (!sourceUser.isBlank()) {
                config.setUsername(sourceUser.trim());
            }
            if (!sourcePassword.isBlank()) {
                config.setPassword(sourcePassword.trim());
            }
            config.setPoolName("caravan-extract-source");
            config.setMaximumPoolSize(2);
            config.setInitializationFailTimeout(-1);
            source = new HikariDataSource(config);
        }
        ReqCheckClient reqcheck = reqcheckUrl.isBlank() ? null
                : new ReqCheckClient(reqcheckUrl.trim(), reqcheckUsername.trim(), reqcheckPassword.trim());
        String[] start = startDate.trim().split("/");
        ExtractRunner runner = new ExtractRunner(store.dataSource(), source, reqcheck, new ExtractRunner.Settings(
                mode.trim().toUpperCase(Locale.ROOT),
                LocalDate.of(Integer.parseInt(start[1].trim()), Integer.parseInt(start[0].trim()), 1),
                reqcheckKey.trim().getBytes(StandardCharsets.UTF_8), ZoneId.of(timezone.trim()),
                Path.of(dir.trim()), Path.of(dataDir.trim()).resolve("extracts"), postAttempts, retryBackoffMs));
        context.getRegistry().bind("extractRunner", runner);
        context.getRegistry().bind("extractApi", new ExtractApi(runner, store.dataSource()));
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
}
