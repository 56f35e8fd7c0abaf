package health.caravan.web;

import java.util.function.BiFunction;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import health.caravan.security.Caller;
import health.caravan.security.RequireToken;

/**
 * An HTTP endpoint that hands the request body (JSON, parsed and checked by the service, which also
 * stores refused requests) and the caller's system id to a service and writes
 * its {@link ApiAnswer} ({@code POST /dhos/v1/oru_message}, {@code POST /dhos/v1/cda_message}).
 */
public final class JsonServiceEndpoint implements Processor {

    private final BiFunction<String, String, ApiAnswer> service;

    public JsonServiceEndpoint(BiFunction<String, String, ApiAnswer> service) {
        this.service = service;
    }

    @Override
    public void process(Exchange exchange) {
        Caller caller = RequireToken.caller(exchange);
        ApiAnswer answer = service.apply(exchange.getMessage().getBody(String.class),
                caller == null ? "unknown" : caller.systemId());
        if (answer.body() == null) {
            HttpResponses.empty(exchange, answer.status());
        } else {
            HttpResponses.json(exchange, answer.status(), answer.body());
        }
    }
}
