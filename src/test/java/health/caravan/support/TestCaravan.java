package health.caravan.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import health.caravan.Caravan;

/** Starts a Caravan in the test JVM on free ports against the test PostgreSQL (or a given database URL). */
public final class TestCaravan implements AutoCloseable {

    /** Internal HS key shared by tests (32+ bytes). */
    public static final String HS_KEY = "test-internal-hs-key-0123456789abcdef-0123456789abcdef-0123456789abcdef";
    public static final String ISSUER = "http://caravan.test/";
    public static final String EPR_ISSUER = "http://epr-adapter.test/";
    public static final String EPR_KEY = "test-epr-adapter-hs-key-0123456789abcdef-0123456789abcdef-0123456789ab";

    public final int httpPort;
    public final int mllpPort;
    public final Caravan caravan;
    public final HttpApi http;

    private TestCaravan(Map<String, String> overrides) throws Exception {
        this.httpPort = Integer.parseInt(overrides.get("caravan.http.port"));
        this.mllpPort = Integer.parseInt(overrides.get("caravan.mllp.port"));
        this.caravan = Caravan.start(overrides);
        this.http = new HttpApi(httpPort);
    }

    public static String postgresUrl() {
        String url = System.getenv("CARAVAN_TEST_DB_URL");
        return url == null || url.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test" : url;
    }

    public static String postgresUser() {
        String user = System.getenv("CARAVAN_TEST_DB_USER");
        return user == null || user.isBlank() ? "postgres" : user;
    }

    public static String rabbitUrl() {
        String url = System.getenv("CARAVAN_TEST_RABBITMQ_URL");
        return url == null || url.isBlank() ? "amqp://guest:guest@127.0.0.1:5672" : url;
    }

    /** Settings every test instance uses; add or replace entries before {@link #start}. */
    public static Map<String, String> defaults() throws IOException {
        Map<String, String> o = new HashMap<>();
        o.put("caravan.http.port", String.valueOf(freePort()));
        o.put("caravan.mllp.port", String.valueOf(freePort()));
        o.put("caravan.db.url", postgresUrl());
        o.put("caravan.db.user", postgresUser());
        o.put("caravan.jwt.issuer", ISSUER);
        o.put("caravan.jwt.hs-key", HS_KEY);
        o.put("caravan.epr.issuer", EPR_ISSUER);
        o.put("caravan.epr.hs-key", EPR_KEY);
        o.put("caravan.rabbitmq.url", rabbitUrl());
        o.put("camel.main.jmx-enabled", "false");
        return o;
    }

    public static TestCaravan start(Map<String, String> overrides) throws Exception {
        return new TestCaravan(overrides);
    }

    public static TestCaravan startOnPostgres() throws Exception {
        return start(defaults());
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    public MllpClient mllp() throws IOException {
        return new MllpClient("127.0.0.1", mllpPort);
    }

    /** Empties Caravan's tables on the test PostgreSQL (creating them first on a fresh database). */
    public static void truncatePostgres() throws SQLException {
        org.flywaydb.core.Flyway.configure().dataSource(postgresUrl(), postgresUser(), null)
                .locations("classpath:db/migration").load().migrate();
        try (Connection c = DriverManager.getConnection(postgresUrl(), postgresUser(), null);
             Statement s = c.createStatement()) {
            s.execute("TRUNCATE hl7_message, audit_event, outbox_message, delivery, delivery_attempt, extract_run, extract_run_dataset, example_permalink, examples_sync_run, fhir_resource, fhir_resource_history, fhir_search, fhir_projection, fhir_push");
        }
    }

    public static Connection postgres() throws SQLException {
        return DriverManager.getConnection(postgresUrl(), postgresUser(), null);
    }

    @Override
    public void close() throws Exception {
        caravan.stop();
    }
}
