package health.caravan.store;

import java.nio.file.Files;
import java.nio.file.Path;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the connection pool (PostgreSQL, or embedded H2 under the data directory) and migrates the schema with Flyway. */
public final class Database {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private Database() {
    }

    public static HikariDataSource open(String url, String user, String password, Path dataDir, int poolSize,
                                        long connectionTimeoutMillis) throws Exception {
        HikariConfig config = new HikariConfig();
        if (url == null || url.isBlank()) {
            Files.createDirectories(dataDir);
            url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("caravan") + ";DB_CLOSE_ON_EXIT=FALSE";
            user = user == null || user.isBlank() ? "sa" : user;
        }
        config.setJdbcUrl(url);
        if (user != null && !user.isBlank()) {
            config.setUsername(user);
        }
        if (password != null && !password.isBlank()) {
            config.setPassword(password);
        }
        config.setPoolName("caravan-db");
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(connectionTimeoutMillis);
        config.setValidationTimeout(Math.min(connectionTimeoutMillis, 2000));
        config.setInitializationFailTimeout(-1);
        HikariDataSource ds = new HikariDataSource(config);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        LOG.info("Database ready: {}", describe(url));
        return ds;
    }

    /** The JDBC URL without credentials or parameters, for logs. */
    static String describe(String url) {
        String s = url.replaceAll("//[^/@]*@", "//");
        int q = s.indexOf('?');
        return q >= 0 ? s.substring(0, q) : s;
    }
}
