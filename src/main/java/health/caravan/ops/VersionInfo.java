package health.caravan.ops;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.Exchange;

import health.caravan.web.HttpResponses;

/** {@code GET /version}: the Polaris shape {@code {"circle", "hash"}} plus Caravan's version. */
public final class VersionInfo {

    private final Map<String, Object> body = new LinkedHashMap<>();

    public VersionInfo() {
        Properties p = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream("/caravan-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (Exception ignored) {
            // no build information: report unknown
        }
        body.put("circle", value(p, "build.number"));
        body.put("hash", value(p, "git.hash"));
        body.put("version", value(p, "version"));
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v;
    }

    public void respond(Exchange exchange) {
        HttpResponses.json(exchange, 200, body);
    }
}
