package health.caravan.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;

/** The request path of an HTTP exchange, split into decoded segments. */
public final class RequestPath {

    private RequestPath() {
    }

    /** The decoded path segments after {@code prefix} ("+" stays a plus: this is a path, not a form). */
    public static List<String> segments(Exchange exchange, String prefix) {
        String uri = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        if (uri == null) {
            uri = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        }
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        int at = path.indexOf(prefix);
        String rest = at < 0 ? "" : path.substring(at + prefix.length());
        List<String> parts = new ArrayList<>();
        for (String p : rest.split("/")) {
            if (!p.isEmpty()) {
                parts.add(URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return parts;
    }
}
