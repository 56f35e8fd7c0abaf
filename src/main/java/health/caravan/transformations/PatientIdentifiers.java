package health.caravan.transformations;

import java.util.LinkedHashMap;
import java.util.Map;

import health.caravan.hl7.Hl7Text;

/** The identifiers Caravan stores and searches on: NHS number, MRN (from PID-3) and Visit ID (PV1-19.1). */
public record PatientIdentifiers(String nhsNumber, String mrn, String visitId) {

    public static final String NHS_NUMBER = "NHS number";
    public static final String MRN = "MRN";
    public static final String VISIT_ID = "Visit ID";

    public static PatientIdentifiers of(Hl7Text message, IdentifierTypes types) {
        return new PatientIdentifiers(
                identifier(message, "PID", 3, types.nhsTypes()),
                identifier(message, "PID", 3, types.mrnTypes()),
                message.hasSegment("PV1") ? emptyToNull(message.get("PV1", 19)) : null);
    }

    /**
     * The value (component 1) of the first repetition whose type code (component 5) is one of
     * {@code typeCodes}; null when there is none or its value is empty.
     */
    public static String identifier(Hl7Text message, String segment, int field, java.util.Set<String> typeCodes) {
        int repetitions = message.repetitions(segment, field);
        for (int r = 1; r <= repetitions; r++) {
            String type = message.get(segment, field, r, 5);
            if (type != null && typeCodes.contains(type)) {
                return emptyToNull(message.get(segment, field, r, 1));
            }
        }
        return null;
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The stored JSON shape: {@code {"NHS number", "MRN", "Visit ID"}}. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(NHS_NUMBER, nhsNumber);
        map.put(MRN, mrn);
        map.put(VISIT_ID, visitId);
        return map;
    }
}
