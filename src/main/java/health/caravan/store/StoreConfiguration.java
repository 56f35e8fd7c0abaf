package health.caravan.store;

import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The database pool ({@code dataSource}) and the {@code messageStore}. Registered before every feature
 * that writes to them; its stop service is added first, so Camel stops it last: after the routes and the
 * features' own services (in-flight messages finish first).
 */
public final class StoreConfiguration implements CamelConfiguration {

    @PropertyInject("caravan.db.url")
    String url;
    @PropertyInject("caravan.db.user")
    String user;
    @PropertyInject("caravan.db.password")
    String password;
    @PropertyInject("caravan.data-dir")
    String dataDir;
    @PropertyInject("caravan.db.pool-size")
    int poolSize;
    @PropertyInject("caravan.db.connection-timeout-ms")
    long connectionTimeoutMs;
    @PropertyInject("caravan.store.writers")
    int writers;
    @PropertyInject("caravan.store.max-batch")
    int maxBatch;
    @PropertyInject("caravan.store.queue-capacity")
    int queueCapacity;
    @PropertyInject("caravan.store.queue-max-bytes")
    long queueMaxBytes;

    @Override
    public void configure(CamelContext context) throws Exception {
        HikariDataSource dataSource = Database.open(url.trim(), user.trim(), password.trim(), Path.of(dataDir.trim()),
                poolSize, connectionTimeoutMs);
        MessageStore store = new MessageStore(dataSource, writers, maxBatch, queueCapacity, queueMaxBytes);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                store.close();
                dataSource.close();
            }
        }, true, true);
        context.getRegistry().bind("messageStore", store);
        context.getRegistry().bind("dataSource", dataSource);
    }
}
