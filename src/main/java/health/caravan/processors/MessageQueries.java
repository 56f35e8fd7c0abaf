package health.caravan.processors;

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

    /** {@code GET /dhos/v1/message/search/{message_control_id}}: newest first. */
    public void byControlId(Exchange exchange) {
        noQuery(exchange);
        String controlId = exchange.getMessage().getHeader("message_control_id", String.class);
        respondList(exchange, store.byControlId(controlId), "search by control id");
    }

    /** {@code GET /dhos/v1/message/search?identifier_type=&identifier=} */
    public void byIdentifier(Exchange exchange) {
        Map<String, String> q = QueryParameters.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class),
                Set.of("identifier_type", "identifier"));
        String type = q.get("identifier_type");
        String value = q.get("identifier");
        if (type == null || value == null) {
            throw new ApiException(400, "Query parameters 'identifier_type' and 'identifier' are required");
        }
        respondList(exchange, store.byIdentifier(type, value), "search by " + type);
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

    private void respondList(Exchange exchange, List<StoredMessage> rows, String action) {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (StoredMessage m : rows) {
            out.add(MessageJson.of(m));
        }
        store.audit(actor(exchange), action, null, rows.size() + " result(s)");
        HttpResponses.json(exchange, 200, out);
    }

    private static void noQuery(Exchange exchange) {
        QueryParameters.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class), Set.of());
    }

    private static String actor(Exchange exchange) {
        Caller caller = RequireToken.caller(exchange);
        return caller == null ? "unknown" : caller.systemId();
    }
}
