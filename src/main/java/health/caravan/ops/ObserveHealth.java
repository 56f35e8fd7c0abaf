package health.caravan.ops;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

import health.caravan.web.HttpResponses;

/**
 * {@code GET /observe/health}, {@code /observe/health/live} and {@code /observe/health/ready} on the public
 * port: {@code {"status":"UP"}} (200) or {@code {"status":"DOWN"}} (503) from every registered Camel health
 * check. Which check failed, and each check's data, only with {@code caravan.observe.health-details=true}:
 * Camel's own endpoint is switched off because any caller could ask it for everything
 * ({@code ?exposureLevel=full&data=true&stackTrace=true}).
 */
public final class ObserveHealth {

    private final boolean details;

    public ObserveHealth(boolean details) {
        this.details = details;
    }

    public void health(Exchange exchange) {
        respond(exchange, HealthCheckHelper.invoke(exchange.getContext()));
    }

    public void live(Exchange exchange) {
        respond(exchange, HealthCheckHelper.invokeLiveness(exchange.getContext()));
    }

    public void ready(Exchange exchange) {
        respond(exchange, HealthCheckHelper.invokeReadiness(exchange.getContext()));
    }

    private void respond(Exchange exchange, Collection<HealthCheck.Result> results) {
        boolean up = results.stream().allMatch(r -> r.getState() != HealthCheck.State.DOWN);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        if (details) {
            List<Map<String, Object>> checks = new ArrayList<>();
            for (HealthCheck.Result r : results) {
                Map<String, Object> check = new LinkedHashMap<>();
                check.put("name", r.getCheck().getId());
                check.put("status", r.getState().name());
                r.getMessage().ifPresent(m -> check.put("message", m));
                // the exception's class only: a message could carry a connection string
                r.getError().ifPresent(e -> check.put("error", e.getClass().getName()));
                Map<String, Object> data = new TreeMap<>();
                r.getDetails().forEach((k, v) -> data.put(k, v == null ? null : v instanceof Number || v instanceof Boolean ? v : v.toString()));
                check.put("data", data);
                checks.add(check);
            }
            body.put("checks", checks);
        }
        HttpResponses.json(exchange, up ? 200 : 503, body);
    }
}
