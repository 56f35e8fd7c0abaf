package health.caravan.delivery;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import health.caravan.transformations.CdaSchemaValidator;
import health.caravan.security.Caller;
import health.caravan.transformations.CdaDocumentBuilder;
import health.caravan.web.ApiException;
import health.caravan.web.QueryParameters;
import health.caravan.web.ApiAnswer;
import health.caravan.security.RequireToken;
import health.caravan.web.HttpResponses;

/**
 * {@code POST /caravan/v1/cda_document?variant=news2-vital-signs|news2-chart&pdf_reference=...&send=true}:
 * the observation-set JSON that makes an ORU, made into a CDA document from the templates in
 * {@code transformations/cda/}. Returns the XML (200), or with {@code send=true} forwards it to the
 * CDA target through durable delivery and answers like {@code POST /dhos/v1/cda_message}.
 */
public final class BuildCdaDocument implements Processor {

    private final CdaDocumentBuilder builder;
    private final CdaSchemaValidator validator;
    private final CdaService forwarder;
    private final boolean targetConfigured;
    private final Clock clock;

    public BuildCdaDocument(CdaDocumentBuilder builder, CdaSchemaValidator validator, CdaService forwarder,
                            boolean targetConfigured, Clock clock) {
        this.builder = builder;
        this.validator = validator;
        this.forwarder = forwarder;
        this.targetConfigured = targetConfigured;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Map<String, String> q = QueryParameters.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class),
                Set.of("variant", "send", "pdf_reference"));
        JsonNode data = OruService.observationSetAction(OruService.parse(exchange.getMessage().getBody(String.class)));
        String variant = q.getOrDefault("variant", CdaDocumentBuilder.VITAL_SIGNS);
        boolean send = Boolean.parseBoolean(q.getOrDefault("send", "false"));
        if (send && !targetConfigured) {
            throw new ApiException(501, "No CDA target configured (CARAVAN_CDA_URL)");
        }
        String xml;
        try {
            xml = builder.build(variant, data, q.get("pdf_reference"), clock.instant());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        List<String> errors = validator.validate(xml);
        if (!errors.isEmpty()) {
            // the template produced an invalid document: a configuration problem, not the caller's
            throw new ApiException(500, "The CDA template " + variant + " produced an invalid document: "
                    + CdaSchemaValidator.summary(errors.get(0)));
        }
        if (send) {
            Caller caller = RequireToken.caller(exchange);
            ApiAnswer answer = forwarder.forward(xml, caller == null ? "unknown" : caller.systemId(),
                    "POST /caravan/v1/cda_document");
            HttpResponses.json(exchange, answer.status(), answer.body());
            return;
        }
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/xml");
        exchange.getMessage().setBody(xml);
    }
}
