package health.caravan.processors;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import health.caravan.delivery.CdaService;
import health.caravan.delivery.OruService;
import health.caravan.security.Caller;
import health.caravan.web.ApiException;

/** {@code POST /dhos/v1/cda_message}: hands {@code {"type": "HL7v3CDA", "content": xml}} to {@link CdaService}. */
public final class ReceiveCdaMessage implements Processor {

    private final CdaService service;

    public ReceiveCdaMessage(CdaService service) {
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
        HttpResponses.json(exchange, answer.status(), answer.body());
    }
}
