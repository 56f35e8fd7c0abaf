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

    /** This test run's own name part: its database and exchange names carry it, so runs beside others never collide. */
    public static final String RUN = Long.toHexString(ProcessHandle.current().pid()) + "_"
            + java.util.UUID.randomUUID().toString().substring(0, 8);
    /** This run's publish exchange (its dead-letter and retry names derive from it). */
    public static final String EXCHANGE = "caravan-test-" + RUN.replace('_', '-');
    private static String runDatabaseUrl;

    /**
     * {@code CARAVAN_TEST_DB_URL} when set; else a database of this run's own on 127.0.0.1:5432
     * ({@code caravan_test_<run>}), created on first use and dropped when the JVM ends.
     */
    public static synchronized String postgresUrl() {
        String url = System.getenv("CARAVAN_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            return url;
        }
        if (runDatabaseUrl == null) {
            String admin = "jdbc:postgresql://127.0.0.1:5432/postgres";
            String name = "caravan_test_" + RUN;
            try (Connection c = DriverManager.getConnection(admin, postgresUser(), null); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create the test database " + name + " on 127.0.0.1:5432", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Connection c = DriverManager.getConnection(admin, postgresUser(), null); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                } catch (SQLException ignored) {
                    // the server may be gone already
                }
            }, "drop-test-database"));
            Runtime.getRuntime().addShutdownHook(new Thread(TestCaravan::deleteRunExchanges, "delete-test-exchanges"));
            runDatabaseUrl = "jdbc:postgresql://127.0.0.1:5432/" + name;
        }
        return runDatabaseUrl;
    }

    /** Removes what this run declared on the shared broker: its exchanges and their two queues. */
    private static void deleteRunExchanges() {
        com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
        try {
            f.setUri(rabbitUrl());
            try (com.rabbitmq.client.Connection c = f.newConnection("caravan-test-cleanup")) {
                for (String queue : new String[] {EXCHANGE + "-errors", EXCHANGE + "-retry"}) {
                    try (com.rabbitmq.client.Channel ch = c.createChannel()) {
                        ch.queueDelete(queue);
                    } catch (Exception ignored) {
                        // not declared in this run
                    }
                }
                for (String exchange : new String[] {EXCHANGE, EXCHANGE + "-dlx", EXCHANGE + "-retry"}) {
                    try (com.rabbitmq.client.Channel ch = c.createChannel()) {
                        ch.exchangeDelete(exchange);
                    } catch (Exception ignored) {
                        // not declared in this run
                    }
                }
            }
        } catch (Exception ignored) {
            // the broker may be gone already
        }
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
        o.put("caravan.publish.exchange", EXCHANGE);
        o.put("camel.main.jmx-enabled", "false");
        return o;
    }

    public static TestCaravan start(Map<String, String> overrides) throws Exception {
        return new TestCaravan(overrides);
    }

    /** A started Caravan and what it printed on standard output while starting (e.g. a development token). */
    public record Started(TestCaravan caravan, String printed) {
    }

    public static Started startCapturingStdout(Map<String, String> overrides) throws Exception {
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true));
        try {
            TestCaravan caravan = start(overrides);
            return new Started(caravan, captured.toString());
        } finally {
            System.setOut(original);
        }
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
