package health.caravan.transformations;

/**
 * The outcome of validating an inbound message: an ACK code and, for AE/AR, the ERR-8 reason, the HL7
 * table 0357 condition and where in the message the problem is ({@code segment} null when unknown,
 * {@code field} 0 for the segment as a whole).
 */
public record Verdict(AckCode code, String reason, ErrorCondition condition, String segment, int field) {

    public static final Verdict ACCEPT = new Verdict(AckCode.AA, null, null, null, 0);

    /** An AE/AR without a more precise condition: {@link ErrorCondition#APPLICATION_INTERNAL_ERROR}, no location. */
    public Verdict(AckCode code, String reason) {
        this(code, reason, code == AckCode.AA ? null : ErrorCondition.APPLICATION_INTERNAL_ERROR, null, 0);
    }

    public static Verdict reject(String reason) {
        return new Verdict(AckCode.AR, reason);
    }

    public static Verdict error(String reason) {
        return new Verdict(AckCode.AE, reason);
    }

    public static Verdict reject(ErrorCondition condition, String segment, int field, String reason) {
        return new Verdict(AckCode.AR, reason, condition, segment, field);
    }

    public static Verdict error(ErrorCondition condition, String segment, int field, String reason) {
        return new Verdict(AckCode.AE, reason, condition, segment, field);
    }

    public boolean accepted() {
        return code == AckCode.AA;
    }
}
