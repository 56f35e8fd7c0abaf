package health.caravan.delivery;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import health.caravan.hl7.Hl7DateTime;
import health.caravan.store.MessageRecord;
import health.caravan.store.MessageState;
import health.caravan.store.TimeOrderedUuid;
import health.caravan.transformations.OruR01Builder;
import health.caravan.transformations.OruSettings;
import health.caravan.web.ApiException;
import health.caravan.web.ApiAnswer;

/**
 * {@code POST /dhos/v1/oru_message}: validate the observation-set request, build the ORU^R01, store it
 * with a delivery, and make the first attempt. 204 when the EPR adapter accepted it (or ORUs are
 * switched off, or this observation set was already delivered); 202 with the delivery id when it will
 * be retried; 400 for a bad request or a permanent refusal.
 */
public final class OruService {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Supplier<OruSettings> settings;
    private final ZoneId zone;
    private final Clock clock;
    private final DeliveryStore store;
    private final Deliverer deliverer;

    public OruService(Supplier<OruSettings> settings, ZoneId zone, Clock clock, DeliveryStore store, Deliverer deliverer) {
        this.settings = settings;
        this.zone = zone;
        this.clock = clock;
        this.store = store;
        this.deliverer = deliverer;
    }

    /** Handles the raw request body; a refused request is stored too and answered 400 with its uuid. */
    public ApiAnswer receive(String body, String caller) {
        JsonNode data;
        OruSettings oruSettings = settings.get();
        Instant now = clock.instant();
        OruR01Builder.Oru oru = null;
        try {
            data = observationSetAction(parse(body));
            if (oruSettings.generateOruMessages()) {
                oru = new OruR01Builder(oruSettings, zone).build(data, now);
            }
        } catch (ApiException | IllegalArgumentException e) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("message", e.getMessage());
            if (e instanceof OruR01Builder.InvalidField invalid) {
                answer.put("field", invalid.field());
            }
            answer.put("uuid", store.storeRefused(body, "tie", "POST /dhos/v1/oru_message", caller, e.getMessage()));
            return new ApiAnswer(400, answer);
        }
        if (oru == null) {
            return new ApiAnswer(204, null);
        }
        Optional<DeliveryStore.Delivery> existing = store.byControlId(oru.controlId());
        if (existing.isPresent()) {
            return answerFor(existing.get(), "already received");
        }
        MessageRecord r = record(oru, data, now, caller);
        DeliveryStore.Delivery delivery;
        try {
            String id = store.create(r, "ORU", Deliverer.claimUntil());
            delivery = store.get(id).orElseThrow();
        } catch (DeliveryStore.AlreadyStored e) {
            return answerFor(store.byControlId(oru.controlId()).orElseThrow(), "already received");
        }
        Attempt a = deliverer.attempt(delivery);
        if (a.delivered()) {
            return new ApiAnswer(204, null);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("message", a.permanent() ? a.detail() : a.waiting() ? "Not delivered yet: " + a.detail()
                : "Not delivered yet (" + a.detail() + "); it will be retried");
        answer.put("delivery_id", delivery.id());
        return new ApiAnswer(a.permanent() ? 400 : 202, answer);
    }

    private ApiAnswer answerFor(DeliveryStore.Delivery d, String why) {
        if ("DELIVERED".equals(d.state())) {
            return new ApiAnswer(204, null);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", "Observation set " + why + "; delivery is " + d.state());
        body.put("delivery_id", d.id());
        return new ApiAnswer(202, body);
    }

    private MessageRecord record(OruR01Builder.Oru oru, JsonNode data, Instant now, String caller) {
        MessageRecord r = new MessageRecord();
        r.uuid = TimeOrderedUuid.next().toString();
        r.created = now;
        r.createdBy = caller;
        r.content = oru.text();
        r.messageType = "ORU^R01^ORU_R01";
        r.sentAt = Hl7DateTime.format(now.atZone(zone).toOffsetDateTime());
        r.srcDescription = "dhos";
        r.dstDescription = "tie";
        r.controlId = oru.controlId();
        r.receivedControlId = oru.controlId();
        r.nhsNumber = emptyToNull(data.path("patient").path("nhs_number").asText(null));
        r.mrn = emptyToNull(data.path("patient").path("hospital_number").asText(null));
        r.visitId = emptyToNull(data.path("encounter").path("epr_encounter_id").asText(null));
        r.hasIdentifiers = true;
        r.state = MessageState.OUTBOUND;
        r.transport = "HTTP";
        r.listener = "EPR adapter";
        return r;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The request body as JSON. */
    public static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new BadRequest("Request body must be a JSON object (Content-Type: application/json)");
        }
    }

    /** The request rules of reference §3.1: only "actions"; a process_observation_set action with patient, encounter, observation_set. */
    public static JsonNode observationSetAction(JsonNode request) {
        if (request == null || !request.isObject()) {
            throw new BadRequest("Request body must be a JSON object");
        }
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!"actions".equals(name)) {
                throw new BadRequest("Unknown field '" + name + "'");
            }
        }
        JsonNode actions = request.get("actions");
        if (actions == null || !actions.isArray()) {
            throw new BadRequest("'actions' must be a list");
        }
        JsonNode data = null;
        for (JsonNode action : actions) {
            if (!action.isObject() || !action.path("name").isTextual() || !action.path("data").isObject()) {
                throw new BadRequest("Each action needs a 'name' and a 'data' object");
            }
            if (data == null && "process_observation_set".equals(action.get("name").asText())) {
                data = action.get("data");
            }
        }
        if (data == null) {
            throw new BadRequest("No process_observation_set action");
        }
        for (String key : new String[] {"patient", "encounter", "observation_set"}) {
            if (!data.path(key).isObject()) {
                throw new BadRequest("'" + key + "' is required in the process_observation_set data");
            }
        }
        return data;
    }

    /** A request the caller must fix (400). */
    public static final class BadRequest extends ApiException {
        public BadRequest(String message) {
            super(400, message);
        }
    }
}
