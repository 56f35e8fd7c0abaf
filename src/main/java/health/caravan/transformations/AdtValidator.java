package health.caravan.transformations;

import java.util.Set;

import health.caravan.hl7.Hl7Text;

/**
 * The inbound validation rules of the Polaris contract (reference §4.2), applied in order; the first
 * that fails decides the ACK. MSH-9 without a trigger component is rejected (AR) rather than crashing.
 */
public final class AdtValidator {

    public static final Set<String> ADT_TRIGGERS = Set.of(
            "A01", "A02", "A03", "A04", "A05", "A08", "A11", "A12", "A13", "A14", "A15", "A21", "A22", "A23",
            "A26", "A27", "A28", "A31", "A34", "A35", "A38", "A40", "A44", "A52", "A53");
    public static final Set<String> BLACKLISTED_ENCOUNTER_TYPES = Set.of("WAITLIST", "PREADMIT", "RECURRING");

    private final IdentifierTypes identifierTypes;

    public AdtValidator(IdentifierTypes identifierTypes) {
        this.identifierTypes = identifierTypes;
    }

    public Verdict validate(Hl7Text message) {
        String type = message.get("MSH", 9, 1);
        if (!"ADT".equals(type)) {
            return Verdict.reject(ErrorCondition.UNSUPPORTED_MESSAGE_TYPE, "MSH", 9,
                    "HL7 message of unexpected type '" + printable(type) + "'");
        }
        String trigger = message.get("MSH", 9, 2);
        if (trigger == null || !ADT_TRIGGERS.contains(trigger)) {
            return Verdict.reject(ErrorCondition.UNSUPPORTED_EVENT_CODE, "MSH", 9,
                    "HL7 message of unexpected ADT type '" + printable(trigger) + "'");
        }
        if (!message.hasSegment("PID")) {
            return Verdict.error(ErrorCondition.SEGMENT_SEQUENCE_ERROR, "PID", 0, "HL7 PID segment missing");
        }
        PatientIdentifiers ids = PatientIdentifiers.of(message, identifierTypes);
        if (ids.mrn() == null && ids.nhsNumber() == null) {
            return Verdict.reject(ErrorCondition.REQUIRED_FIELD_MISSING, "PID", 3, "HL7 MRN and NHS number missing");
        }
        if (message.hasSegment("PV1")) {
            String encounterType = message.get("PV1", 2);
            if (encounterType != null && BLACKLISTED_ENCOUNTER_TYPES.contains(encounterType)) {
                return Verdict.error(ErrorCondition.TABLE_VALUE_NOT_FOUND, "PV1", 2,
                        "HL7 message concerns blacklisted encounter type '" + encounterType + "'");
            }
            if ("\"\"".equals(message.getRaw("PV1", 3, 1, 1))) {
                return Verdict.error(ErrorCondition.REQUIRED_FIELD_MISSING, "PV1", 3,
                        "HL7 message contains an assigned patient location but the ward code is missing");
            }
        }
        return Verdict.ACCEPT;
    }

    private static String printable(String value) {
        return value == null ? "" : value;
    }
}
