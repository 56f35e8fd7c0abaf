package health.caravan;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

import health.caravan.extract.ExtractDataset;

/**
 * Settings that would make Caravan half-run or silently weaken its security stop the start, with a
 * message naming the setting (and its environment variable) and what to do. Run before anything opens.
 */
final class StartupChecks {

    /** Why the development mode is on (null: off). */
    record DevelopmentMode(boolean on, String reason) {
    }

    private final Function<String, String> settings;

    StartupChecks(Function<String, String> settings) {
        this.settings = settings;
    }

    private String get(String key) {
        String v = settings.apply(key);
        return v == null ? "" : v.trim();
    }

    private boolean set(String key) {
        return !get(key).isEmpty();
    }

    private boolean on(String key) {
        return Boolean.parseBoolean(get(key));
    }

    static IllegalStateException refuse(String setting, String env, String what) {
        return new IllegalStateException("Refusing to start: " + setting + " (" + env + ") " + what);
    }

    /**
     * Development mode — a generated signing key and a full-scope token printed at start — is only for the
     * embedded-defaults trial: {@code auto} turns it on when the database and the broker are embedded and
     * no token key or JWKS is configured; {@code true} is refused with an external database, broker or JWKS.
     */
    DevelopmentMode developmentMode() {
        String mode = get("caravan.dev-mode").toLowerCase(Locale.ROOT);
        boolean externalDb = set("caravan.db.url");
        boolean externalBroker = set("caravan.rabbitmq.url");
        boolean jwks = set("caravan.jwt.jwks-url");
        boolean key = set("caravan.jwt.hs-key");
        DevelopmentMode result = switch (mode.isEmpty() ? "auto" : mode) {
            case "auto" -> new DevelopmentMode(!externalDb && !externalBroker && !jwks && !key,
                    "embedded database and broker, no token key");
            case "false" -> new DevelopmentMode(false, null);
            case "true" -> {
                if (externalDb || externalBroker || jwks) {
                    throw refuse("caravan.dev-mode", "CARAVAN_DEV_MODE", "is true with an external "
                            + (externalDb ? "database (CARAVAN_DB_URL)" : externalBroker ? "broker (CARAVAN_RABBITMQ_URL)"
                            : "token issuer (CARAVAN_JWKS_URL)")
                            + ": development mode prints a full-scope token and is only for the embedded-defaults trial. "
                            + "Unset CARAVAN_DEV_MODE and set CARAVAN_JWT_HS_KEY or CARAVAN_JWKS_URL.");
                }
                yield new DevelopmentMode(true, "CARAVAN_DEV_MODE=true");
            }
            default -> throw refuse("caravan.dev-mode", "CARAVAN_DEV_MODE", "is '" + mode + "': use auto, true or false.");
        };
        if (!result.on() && !key && !jwks) {
            throw refuse("caravan.jwt.hs-key", "CARAVAN_JWT_HS_KEY",
                    "is not set and neither is caravan.jwt.jwks-url (CARAVAN_JWKS_URL): the HTTP API could check no token. "
                            + "Set one of them (a key of at least 32 bytes), or CARAVAN_DEV_MODE=true for a local trial "
                            + "on the embedded database and broker.");
        }
        return result;
    }

    /** TLS, partner keys, anonymisation and webhook secrets: nothing may fall back to something weaker. */
    void security() throws IOException {
        if (on("caravan.mllp.tls.enabled")) {
            if (!set("caravan.mllp.tls.keystore")) {
                throw refuse("caravan.mllp.tls.keystore", "CARAVAN_MLLP_TLS_KEYSTORE",
                        "is not set but CARAVAN_MLLP_TLS=true: give the listener's key store (PKCS12 or JKS).");
            }
            if (on("caravan.mllp.tls.client-auth") && !set("caravan.mllp.tls.truststore")) {
                throw refuse("caravan.mllp.tls.truststore", "CARAVAN_MLLP_TLS_TRUSTSTORE",
                        "is not set but CARAVAN_MLLP_TLS_CLIENT_AUTH=true: without it any certificate from a public CA "
                                + "would be accepted as a sender. Give the trust store holding the senders' CA or certificates.");
            }
        } else if (on("caravan.mllp.tls.client-auth")) {
            throw refuse("caravan.mllp.tls.client-auth", "CARAVAN_MLLP_TLS_CLIENT_AUTH",
                    "is true but TLS is off (CARAVAN_MLLP_TLS=false): client certificates need TLS. Turn TLS on or this off.");
        }
        if (set("caravan.epr.url")) {
            if (!set("caravan.epr.issuer")) {
                throw refuse("caravan.epr.issuer", "CARAVAN_EPR_ISSUER",
                        "is not set but CARAVAN_EPR_URL is: ORU delivery signs its tokens with this issuer.");
            }
            if (get("caravan.epr.hs-key").getBytes(StandardCharsets.UTF_8).length < 64) {
                throw refuse("caravan.epr.hs-key", "CARAVAN_EPR_HS_KEY",
                        "must be at least 64 bytes: tokens to the EPR adapter are signed with HS512 (CARAVAN_EPR_URL is set).");
            }
        }
        if (set("caravan.jwt.hs-key") && get("caravan.jwt.hs-key").getBytes(StandardCharsets.UTF_8).length < 32) {
            throw refuse("caravan.jwt.hs-key", "CARAVAN_JWT_HS_KEY", "must be at least 32 bytes (256 bits).");
        }
        if (set("caravan.examples.repo-url") && !set("caravan.examples.webhook-secret")) {
            throw refuse("caravan.examples.webhook-secret", "CARAVAN_WEBHOOK_SECRET",
                    "is not set but an examples repository is (CARAVAN_EXAMPLES_REPO_URL): anyone could trigger syncs "
                            + "through POST /sync. Set the secret configured on the repository's webhook.");
        }
        if (set("caravan.extracts.db.url") && !set("caravan.reqcheck.key")) {
            for (ExtractDataset d : ExtractDataset.loadAll(Path.of(get("caravan.extracts.dir")))) {
                if (d.template().usesAnonymisation()) {
                    throw refuse("caravan.reqcheck.key", "CARAVAN_REQCHECK_KEY", "is not set but dataset '" + d.name()
                            + "' has fields processed as \"anonymous\": they would be hashed with an empty key. "
                            + "Set the key agreed with ReqCheck.");
                }
            }
        }
    }

    /**
     * Every numeric setting (one whose default in application.properties is a number) holds a number;
     * runs before the configuration classes take their settings, so the refusal names the setting
     * instead of Camel's "error during type conversion ... with value two".
     */
    static void numbers(org.apache.camel.CamelContext context) {
        java.util.regex.Pattern numericDefault = java.util.regex.Pattern.compile("\\{\\{env:([A-Z0-9_]+):-?[0-9]+}}");
        // the defaults as written (loadProperties would give an override's value instead)
        java.util.Properties all = new java.util.Properties();
        try (java.io.InputStream in = StartupChecks.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                all.load(in);
            }
        } catch (IOException e) {
            // the file next to the process is read below
        }
        java.nio.file.Path file = Path.of("application.properties");
        if (java.nio.file.Files.isReadable(file)) {
            try (java.io.Reader in = java.nio.file.Files.newBufferedReader(file)) {
                all.load(in);
            } catch (IOException e) {
                // Camel reports an unreadable properties file itself
            }
        }
        for (String key : new java.util.TreeSet<>(all.stringPropertyNames())) {
            if (!key.startsWith("caravan.")) {
                continue;
            }
            java.util.regex.Matcher m = numericDefault.matcher(all.getProperty(key).trim());
            if (!m.matches()) {
                continue;
            }
            String value = context.resolvePropertyPlaceholders("{{" + key + "}}").trim();
            try {
                Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw refuse(key, m.group(1), "is '" + value + "', not a whole number.");
            }
        }
    }

    /** Every listener Caravan opens must be free now; a taken port would leave a half-running engine. */
    void ports() {
        checkPort("caravan.http.port", "CARAVAN_HTTP_PORT", get("camel.server.host"), get("caravan.http.port"));
        checkPort("caravan.mllp.port", "CARAVAN_MLLP_PORT", get("caravan.mllp.host"), get("caravan.mllp.port"));
    }

    private static void checkPort(String setting, String env, String host, String port) {
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw refuse(setting, env, "is '" + port + "', not a port number.");
        }
        if (number == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host.isEmpty() ? InetAddress.getByName("0.0.0.0") : InetAddress.getByName(host), number));
        } catch (IOException e) {
            throw refuse(setting, env, "port " + number + " on " + (host.isEmpty() ? "0.0.0.0" : host)
                    + " cannot be opened (" + e.getMessage() + "): another process holds it. Stop it or choose another port.");
        }
    }
}
