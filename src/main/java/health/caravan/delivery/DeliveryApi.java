package health.caravan.delivery;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;

import health.caravan.web.ApiException;
import health.caravan.web.QueryParameters;
import health.caravan.web.HttpResponses;

/** The delivery API: list by state, one delivery with its attempts, retry a dead-lettered one. */
public final class DeliveryApi {

    private static final Set<String> STATES = Set.of("PENDING", "DELIVERED", "DEAD");

    private final DeliveryStore store;

    public DeliveryApi(DeliveryStore store) {
        this.store = store;
    }

    /** {@code GET /caravan/v1/deliveries?state=PENDING|DELIVERED|DEAD} */
    public void list(Exchange exchange) {
        Map<String, String> q = QueryParameters.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class), Set.of("state"));
        String state = q.getOrDefault("state", "PENDING").toUpperCase();
        if (!STATES.contains(state)) {
            throw new ApiException(400, "'state' must be PENDING, DELIVERED or DEAD");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        store.list(state).forEach(d -> out.add(json(d)));
        HttpResponses.json(exchange, 200, out);
    }

    /** {@code GET /caravan/v1/deliveries/{delivery_id}} */
    public void get(Exchange exchange) {
        String id = exchange.getMessage().getHeader("delivery_id", String.class);
        DeliveryStore.Delivery d = store.get(id).orElseThrow(() -> new ApiException(404, "Delivery not found"));
        Map<String, Object> body = json(d);
        List<Map<String, Object>> attempts = new ArrayList<>();
        for (DeliveryStore.AttemptRow a : store.attempts(id)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("at", time(a.at()));
            row.put("outcome", a.outcome());
            row.put("http_status", a.httpStatus());
            row.put("detail", a.detail());
            attempts.add(row);
        }
        body.put("attempts", attempts);
        HttpResponses.json(exchange, 200, body);
    }

    /** {@code POST /caravan/v1/deliveries/{delivery_id}/retry}: a dead-lettered delivery goes back in the queue. */
    public void retry(Exchange exchange) {
        String id = exchange.getMessage().getHeader("delivery_id", String.class);
        DeliveryStore.Delivery d = store.get(id).orElseThrow(() -> new ApiException(404, "Delivery not found"));
        if (!store.retry(id)) {
            throw new ApiException(409, "Only a dead-lettered delivery can be retried (this one is " + d.state() + ")");
        }
        HttpResponses.json(exchange, 202, json(store.get(id).orElseThrow()));
    }

    private static Map<String, Object> json(DeliveryStore.Delivery d) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", d.id());
        o.put("kind", d.kind());
        o.put("state", d.state());
        o.put("message_uuid", d.messageUuid());
        o.put("message_control_id", d.messageControlId());
        o.put("attempts", d.attempts());
        o.put("next_attempt_at", time(d.nextAttemptAt()));
        o.put("last_error", d.lastError());
        o.put("created", time(d.created()));
        o.put("delivered_at", time(d.deliveredAt()));
        return o;
    }

    private static String time(LocalDateTime t) {
        return t == null ? null : t + "Z";
    }
}
