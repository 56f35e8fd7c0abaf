package health.caravan.transformations;

/** The outcome of validating an inbound message: an ACK code and, for AE/AR, the ERR-8 reason. */
public record Verdict(AckCode code, String reason) {

    public static final Verdict ACCEPT = new Verdict(AckCode.AA, null);

    public static Verdict reject(String reason) {
        return new Verdict(AckCode.AR, reason);
    }

    public static Verdict error(String reason) {
        return new Verdict(AckCode.AE, reason);
    }

    public boolean accepted() {
        return code == AckCode.AA;
    }
}
