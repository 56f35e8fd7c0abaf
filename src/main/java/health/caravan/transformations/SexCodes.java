package health.caravan.transformations;

import java.util.Locale;

/** PID-8 administrative sex → SNOMED CT (the draymed table the Polaris connector used). */
public final class SexCodes {

    public static final String MALE = "248153007";
    public static final String FEMALE = "248152002";
    public static final String UNKNOWN = "184115007";
    public static final String INDETERMINATE = "32570681000036106";

    private SexCodes() {
    }

    public static String snomed(String pid8) {
        if (pid8 == null) {
            return UNKNOWN;
        }
        return switch (pid8.toUpperCase(Locale.ROOT)) {
            case "1", "M" -> MALE;
            case "2", "F" -> FEMALE;
            case "4", "I" -> INDETERMINATE;
            default -> UNKNOWN;
        };
    }
}
