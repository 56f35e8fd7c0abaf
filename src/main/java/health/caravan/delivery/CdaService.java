package health.caravan.delivery;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import health.caravan.transformations.CdaSchemaValidator;
import health.caravan.hl7.Hl7DateTime;
import health.caravan.store.MessageRecord;
import health.caravan.store.MessageState;
import health.caravan.store.TimeOrderedUuid;
import health.caravan.web.ApiException;
import health.caravan.web.ApiAnswer;

/**
 * {@code POST /dhos/v1/cda_message}: a CDA document in ({@code {"type": "HL7v3CDA", "content": xml}}),
 * validated against the CDA R2 SDTC schema, stored, and forwarded to the Trust's Mirth listener
 * through durable delivery. 201 when Mirth accepted it, 202 (with the delivery id) when it will be
 * retried, 400 with the schema errors, 501 when no target is configured, 502 when Mirth refused it
 * (dead-lettered; it can be retried through the delivery API).
 */
public final class CdaService {

    private final CdaSchemaValidator validator;
    private final DeliveryStore store;
    private final Deliverer deliverer;
    private final boolean targetConfigured;
    private final ZoneId zone;
    private final Clock clock;

    public CdaService(CdaSchemaValidator validator, DeliveryStore store, Deliverer deliverer, boolean targetConfigured,
                      ZoneId zone, Clock clock) {
        this.validator = validator;
        this.store = store;
        this.deliverer = deliverer;
        this.targetConfigured = targetConfigured;
        this.zone = zone;
        this.clock = clock;
    }

    /** Handles the raw request body; a refused request is stored too and answered with its uuid. */
    public ApiAnswer receive(String body, String caller) {
        String content;
        try {
            content = content(OruService.parse(body));
            if (!targetConfigured) {
                throw new ApiException(501, "No CDA target configured (CARAVAN_CDA_URL)");
            }
        } catch (ApiException e) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("message", e.getMessage());
            answer.put("uuid", store.storeRefused(body, "mirth", "POST /dhos/v1/cda_message", caller, e.getMessage()));
            return new ApiAnswer(e.status(), answer);
        }
        return forward(content, caller, "POST /dhos/v1/cda_message");
    }

    /** Validates, stores and makes the first delivery attempt (also used to send a document Caravan built). */
    public ApiAnswer forward(String content, String caller, String source) {
        List<String> errors = validator.validate(content);
        Instant now = clock.instant();
        MessageRecord r = record(content, now, caller, source);
        if (!errors.isEmpty()) {
            r.state = MessageState.REJECTED;
            // the rule and position only: the validator's messages quote the document's values
            r.errorText = "CDA schema: " + CdaSchemaValidator.summary(errors.get(0))
                    + (errors.size() > 1 ? " (" + errors.size() + " errors)" : "");
            store.storeOnly(r);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("message", "The document is not valid against the CDA R2 SDTC schema");
            body.put("errors", errors);
            body.put("uuid", r.uuid);
            return new ApiAnswer(400, body);
        }
        DeliveryStore.Delivery delivery;
        try {
            delivery = store.get(store.create(r, "CDA", Deliverer.claimUntil())).orElseThrow();
        } catch (DeliveryStore.AlreadyStored e) {
            throw new IllegalStateException("CDA rows have no control id", e);
        }
        Attempt a = deliverer.attempt(delivery);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("uuid", r.uuid);
        body.put("delivery_id", delivery.id());
        if (a.delivered()) {
            return new ApiAnswer(201, body);
        }
        body.put("message", a.permanent() ? a.detail() : "Not delivered yet (" + a.detail() + "); it will be retried");
        return new ApiAnswer(a.permanent() ? 502 : 202, body);
    }

    private MessageRecord record(String content, Instant now, String caller, String source) {
        MessageRecord r = new MessageRecord();
        r.uuid = TimeOrderedUuid.next().toString();
        r.created = now;
        r.createdBy = caller;
        r.content = content;
        r.sentAt = Hl7DateTime.format(now.atZone(zone).toOffsetDateTime());
        r.srcDescription = "dhos";
        r.dstDescription = "mirth";
        r.state = MessageState.OUTBOUND;
        r.transport = "HTTP";
        r.listener = source;
        return r;
    }

    private static String content(JsonNode request) {
        if (request == null || !request.isObject()) {
            throw new ApiException(400, "Request body must be a JSON object");
        }
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!"type".equals(name) && !"content".equals(name)) {
                throw new ApiException(400, "Unknown field '" + name + "'");
            }
        }
        if (!"HL7v3CDA".equals(request.path("type").asText(null))) {
            throw new ApiException(400, "'type' must be 'HL7v3CDA'");
        }
        if (!request.path("content").isTextual()) {
            throw new ApiException(400, "'content' (the CDA XML) is required");
        }
        return request.get("content").asText();
    }
}
