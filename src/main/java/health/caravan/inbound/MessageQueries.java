package health.caravan.inbound;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

import health.caravan.security.Caller;
import health.caravan.store.MessageStore;
import health.caravan.store.StoredMessage;
import health.caravan.web.ApiException;
import health.caravan.web.MessageJson;
import health.caravan.web.QueryParameters;
import health.caravan.security.RequireToken;
import health.caravan.web.HttpResponses;

/** The message read API and the {@code is_processed} update; every read or change is audited. */
public final class MessageQueries {

    private final MessageStore store;

    public MessageQueries(MessageStore store) {
        this.store = store;
    }

    /** {@code GET /dhos/v1/message/{message_uuid}} */
    public void get(Exchange exchange) {
        noQuery(exchange);
        String uuid = exchange.getMessage().getHeader("message_uuid", String.class);
        StoredMessage m = store.find(uuid).orElseThrow(() -> new ApiException(404, "Message not found"));
        store.audit(actor(exchange), "read", uuid, null);
        HttpResponses.json(exchange, 200, MessageJson.of(m));
    }

    /** The page size when {@code limit} is not given, and the largest {@code limit} accepted (more is a 400). */
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    /** {@code GET /dhos/v1/message/search/{message_control_id}?limit=&offset=}: newest first, one page. */
    public void byControlId(Exchange exchange) {
        Map<String, String> q = QueryParameters.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class),
                Set.of("limit", "offset"));
        String controlId = exchange.getMessage().getHeader("message_control_id", String.class);
        Page page = Page.of(q);
        respondPage(exchange, store.byControlId(controlId, page.limit() + 1, page.offset()), page,
                "/dhos/v1/message/search/" + encode(controlId).replace("+", "%20") + "?", "search by control id");
    }

    /** {@code GET /dhos/v1/message/search?identifier_type=&identifier=&limit=&offset=}: newest first, one page. */
    public void byIdentifier(Exchange exchange) {
        Map<String, String> q = QueryParameters.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class),
                Set.of("identifier_type", "identifier", "limit", "offset"));
        String type = q.get("identifier_type");
        String value = q.get("identifier");
        if (type == null || value == null) {
            throw new ApiException(400, "Query parameters 'identifier_type' and 'identifier' are required");
        }
        if (!MessageStore.IDENTIFIER_TYPES.contains(type)) {
            throw new ApiException(400, "'identifier_type' must be one of: " + String.join(", ", MessageStore.IDENTIFIER_TYPES)
                    + " (exact spelling)");
        }
        Page page = Page.of(q);
        respondPage(exchange, store.byIdentifier(type, value, page.limit() + 1, page.offset()), page,
                "/dhos/v1/message/search?identifier_type=" + encode(type) + "&identifier=" + encode(value) + "&",
                "search by " + type);
    }

    /** {@code limit} (1..{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}) and {@code offset} (0..); else a 400. */
    record Page(int limit, int offset) {
        static Page of(Map<String, String> q) {
            return new Page(integer(q.get("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT, "limit"),
                    integer(q.get("offset"), 0, 0, Integer.MAX_VALUE - MAX_LIMIT, "offset"));
        }

        private static int integer(String value, int dflt, int min, int max, String name) {
            if (value == null) {
                return dflt;
            }
            try {
                int v = Integer.parseInt(value);
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw new ApiException(400, "'" + name + "' must be an integer from " + min + " to " + max);
        }
    }

    /** {@code PATCH /dhos/v1/message/{message_uuid}} with {@code {"is_processed": bool}}: nothing else may change. */
    public void patch(Exchange exchange) {
        noQuery(exchange);
        String uuid = exchange.getMessage().getHeader("message_uuid", String.class);
        JsonNode body;
        try {
            body = HttpResponses.JSON.readTree(exchange.getMessage().getBody(String.class));
        } catch (Exception e) {
            throw new ApiException(400, "Request body must be a JSON object (Content-Type: application/json)");
        }
        if (body == null || !body.isObject()) {
            throw new ApiException(400, "Request body must be a JSON object (Content-Type: application/json)");
        }
        JsonNode processed = body.get("is_processed");
        if (processed == null || !processed.isBoolean()) {
            throw new ApiException(400, "'is_processed' (boolean) is required");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!"is_processed".equals(name)) {
                throw new ApiException(400, "Only 'is_processed' can be changed, not '" + name + "'");
            }
        }
        if (!store.setProcessed(uuid, processed.booleanValue(), actor(exchange))) {
            throw new ApiException(404, "Message not found");
        }
        store.audit(actor(exchange), "set is_processed=" + processed.booleanValue(), uuid, null);
        HttpResponses.empty(exchange, 204);
    }

    /**
     * Answers the array of at most {@code page.limit()} messages ({@code rows} holds one more when there is a next
     * page); a next page is announced in a {@code Link: <...>; rel="next"} header (RFC 8288), the body stays the
     * Polaris array.
     */
    private void respondPage(Exchange exchange, List<StoredMessage> rows, Page page, String selfPrefix, String action) {
        boolean more = rows.size() > page.limit();
        List<StoredMessage> shown = more ? rows.subList(0, page.limit()) : rows;
        List<Map<String, Object>> out = new ArrayList<>(shown.size());
        for (StoredMessage m : shown) {
            out.add(MessageJson.of(m));
        }
        store.audit(actor(exchange), action, null, shown.size() + " result(s) from offset " + page.offset());
        HttpResponses.json(exchange, 200, out);
        if (more) {
            exchange.getMessage().setHeader("Link", "<" + selfPrefix + "limit=" + page.limit() + "&offset="
                    + (page.offset() + page.limit()) + ">; rel=\"next\"");
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void noQuery(Exchange exchange) {
        QueryParameters.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class), Set.of());
    }

    private static String actor(Exchange exchange) {
        Caller caller = RequireToken.caller(exchange);
        return caller == null ? "unknown" : caller.systemId();
    }
}
