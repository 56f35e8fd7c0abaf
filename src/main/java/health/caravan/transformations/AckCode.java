package health.caravan.transformations;

/** MSA-1 acknowledgment codes and the ERR-3 class name each carries in the Polaris ACK layout. */
public enum AckCode {
    AA(null),
    AE("Hl7ApplicationErrorException"),
    AR("Hl7ApplicationRejectException");

    private final String errorClass;

    AckCode(String errorClass) {
        this.errorClass = errorClass;
    }

    public String errorClass() {
        return errorClass;
    }
}
