package health.caravan.fhir;

import java.util.Locale;

/**
 * What the projection does when an ADT message's NHS number is already on a Patient with another MRN (same
 * MRN system) and the message's MRN is on no Patient ({@code caravan.fhir.identity-conflict}).
 */
public enum IdentityConflictPolicy {

    /** A new Patient for the message's MRN; both Patients keep the NHS number (the default). */
    SEPARATE,

    /** The message's MRN is added to the Patient that has the NHS number, which keeps every MRN. */
    MERGE;

    public static final String SETTING = "caravan.fhir.identity-conflict (CARAVAN_FHIR_IDENTITY_CONFLICT)";

    /** {@code separate} (also when blank) or {@code merge}; anything else stops the start. */
    public static IdentityConflictPolicy of(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "separate" -> SEPARATE;
            case "merge" -> MERGE;
            default -> throw new IllegalArgumentException(SETTING + " must be 'separate' or 'merge', not '" + value.strip()
                    + "': set it to one of them (or leave it unset for separate)");
        };
    }
}
