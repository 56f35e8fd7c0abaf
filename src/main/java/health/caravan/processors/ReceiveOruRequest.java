package health.caravan.processors;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import health.caravan.delivery.OruService;
import health.caravan.security.Caller;
import health.caravan.web.ApiException;

/** {@code POST /dhos/v1/oru_message}: hands the JSON body to {@link OruService} and writes its answer. */
public final class ReceiveOruRequest implements Processor {

    private final OruService service;

    public ReceiveOruRequest(OruService service) {
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
        OruService.Answer answer = service.receive(request, caller == null ? "unknown" : caller.systemId());
        if (answer.body() == null) {
            HttpResponses.empty(exchange, answer.status());
        } else {
            HttpResponses.json(exchange, answer.status(), answer.body());
        }
    }
}
