package health.caravan.transformations;

/**
 * An unexpected problem while reading a message that passed validation (a required segment that is
 * missing, a value that does not parse). It becomes an AE ACK with ERR-8
 * {@code Unexpected error: <kind>}; the kinds keep the Polaris connector's names ({@code KeyError}
 * for a missing segment, {@code ValueError} for an unreadable value) so consumers that match on the
 * text keep working.
 */
public class Hl7ProcessingError extends RuntimeException {

    public static final String MISSING = "KeyError";
    public static final String UNREADABLE = "ValueError";

    private final String kind;

    public Hl7ProcessingError(String kind, String detail) {
        super(detail);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }

    public String ackText() {
        return "Unexpected error: " + kind;
    }

    /** HL7 table 0357: a missing segment is 100, an unreadable value 102. */
    public ErrorCondition condition() {
        return MISSING.equals(kind) ? ErrorCondition.SEGMENT_SEQUENCE_ERROR
                : UNREADABLE.equals(kind) ? ErrorCondition.DATA_TYPE_ERROR : ErrorCondition.APPLICATION_INTERNAL_ERROR;
    }
}
