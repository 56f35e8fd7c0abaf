package health.caravan.transformations;

import java.time.ZoneId;

import health.caravan.hl7.Hl7DateTime;
import health.caravan.hl7.Hl7Text;

/**
 * The inbound decision of the Polaris contract (reference §4.1 steps 5–6): validate, then record
 * identifiers, message type, sent time and control id, then build the actions. An error after
 * validation is an AE {@code Unexpected error: <kind>}.
 */
public final class AdtInboundRules {

    private final AdtValidator validator;
    private final AdtActionMapper mapper;
    private final IdentifierTypes identifierTypes;
    private final ZoneId zone;

    public AdtInboundRules(IdentifierTypes identifierTypes, ZoneId zone) {
        this.identifierTypes = identifierTypes;
        this.zone = zone;
        this.validator = new AdtValidator(identifierTypes);
        this.mapper = new AdtActionMapper(identifierTypes, zone);
    }

    public AdtDecision decide(Hl7Text message) {
        AdtDecision d = new AdtDecision();
        try {
            d.verdict = validator.validate(message);
        } catch (RuntimeException e) {
            d.verdict = Verdict.error("Unexpected error: " + e.getClass().getSimpleName());
        }
        if (!d.verdict.accepted()) {
            return d;
        }
        try {
            d.identifiers = PatientIdentifiers.of(message, identifierTypes);
            d.messageType = message.rawField("MSH", 9);
            d.sentAt = sentAt(message);
            String controlId = message.get("MSH", 10);
            d.controlId = controlId == null ? "" : controlId;
            d.actions = mapper.actions(message);
        } catch (Hl7ProcessingError e) {
            d.verdict = Verdict.error(e.condition(), null, 0, e.ackText());
        } catch (RuntimeException e) {
            d.verdict = Verdict.error("Unexpected error: " + e.getClass().getSimpleName());
        }
        return d;
    }

    private String sentAt(Hl7Text message) {
        try {
            return Hl7DateTime.isoDateTime(message.get("MSH", 7), zone);
        } catch (RuntimeException e) {
            throw new Hl7ProcessingError(Hl7ProcessingError.UNREADABLE, "unreadable MSH-7");
        }
    }
}
