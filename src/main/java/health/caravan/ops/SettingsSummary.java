package health.caravan.ops;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caravan's start-up settings summary, replacing camel-main's property-placeholder summary (whose masking
 * only knows a fixed list of names and never looks inside values): every {@code caravan.*} and {@code camel.*}
 * setting with its effective value, where a setting whose name mentions a key, password, secret, token,
 * credential or passphrase shows {@code xxxxxx}, and credentials inside any value (URL user-info,
 * {@code password=}/{@code token=}/... parameters) are masked too.
 */
public final class SettingsSummary {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsSummary.class);
    static final String MASK = "xxxxxx";

    private static final Pattern SENSITIVE_NAME =
            Pattern.compile("key(?!store)|passw|pwd|secret|token|credential|passphrase|auth|signature|cookie");
    private static final Pattern URL_USER_INFO = Pattern.compile("(://)[^/@\\s?#]+@");
    private static final Pattern SENSITIVE_PARAMETER = Pattern.compile(
            "(?i)([?&;][a-z0-9_.-]*(?:key|passw|pwd|secret|token|credential|passphrase|auth|signature)[a-z0-9_.-]*=)[^&;#\\s]*");

    private SettingsSummary() {
    }

    /** The value as it may be logged. */
    public static String mask(String name, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        String last = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        if (SENSITIVE_NAME.matcher(last).find()) {
            return MASK;
        }
        String masked = URL_USER_INFO.matcher(value).replaceAll("$1" + MASK + "@");
        return SENSITIVE_PARAMETER.matcher(masked).replaceAll("$1" + MASK);
    }

    /** Logs every {@code caravan.*} and {@code camel.*} setting with its effective, masked value. */
    public static void log(CamelContext context) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        PropertiesComponent pc = context.getPropertiesComponent();
        Properties raw = pc.loadProperties(k -> k.startsWith("caravan.") || k.startsWith("camel."));
        Map<String, String> effective = new TreeMap<>();
        for (String name : raw.stringPropertyNames()) {
            String value;
            try {
                Optional<String> resolved = pc.resolveProperty(name);
                value = resolved.orElse("");
            } catch (RuntimeException e) {
                value = "(unresolvable)";
            }
            effective.put(name, mask(name, value));
        }
        LOG.info("Settings ({} caravan.* and camel.*, secrets masked):", effective.size());
        effective.forEach((k, v) -> LOG.info("    {} = {}", k, v));
    }
}
