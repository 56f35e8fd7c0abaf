package health.caravan.processors;

import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import health.caravan.security.Caller;
import health.caravan.web.ApiAnswer;
import health.caravan.web.ApiException;

/**
 * An HTTP endpoint that hands the JSON request body and the caller's system id to a service and writes
 * its {@link ApiAnswer} ({@code POST /dhos/v1/oru_message}, {@code POST /dhos/v1/cda_message}).
 */
public final class JsonServiceEndpoint implements Processor {

    private final BiFunction<JsonNode, String, ApiAnswer> service;

    public JsonServiceEndpoint(BiFunction<JsonNode, String, ApiAnswer> service) {
        this.service = service;
    }

    @Override
    public void process(Exchange exchange) {
        JsonNode request;
        try {
            request = HttpResponses.JSON.readTree(exchange.getMessage().getBody(String.class));
        } catch (Exception e) {
            throw new ApiException(400, "Request body must be a JSON object (Content-Type: application/json)");
        }
        Caller caller = RequireToken.caller(exchange);
        ApiAnswer answer = service.apply(request, caller == null ? "unknown" : caller.systemId());
        if (answer.body() == null) {
            HttpResponses.empty(exchange, answer.status());
        } else {
            HttpResponses.json(exchange, answer.status(), answer.body());
        }
    }
}
