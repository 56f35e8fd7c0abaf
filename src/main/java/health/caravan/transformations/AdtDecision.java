package health.caravan.transformations;

import java.util.List;
import java.util.Map;

/**
 * Everything decided about one inbound ADT message before it is stored. Fields are filled in the
 * Polaris order (identifiers, message type, sent time, control id, actions); when an unexpected error
 * stops that sequence the fields already filled stay set, as upstream stored them.
 */
public final class AdtDecision {

    Verdict verdict;
    PatientIdentifiers identifiers;
    String messageType;
    String sentAt;
    String controlId;
    List<Map<String, Object>> actions;

    public Verdict verdict() {
        return verdict;
    }

    /** Null unless validation passed. */
    public PatientIdentifiers identifiers() {
        return identifiers;
    }

    public String messageType() {
        return messageType;
    }

    public String sentAt() {
        return sentAt;
    }

    /** MSH-10.1 to store as the unique control id; null unless validation passed and MSH-7 was readable. */
    public String controlId() {
        return controlId;
    }

    /** The actions to publish; null unless the message is accepted (AA). */
    public List<Map<String, Object>> actions() {
        return actions;
    }
}
