package health.caravan.delivery;

/**
 * The result of one delivery attempt.
 *
 * @param outcome    DELIVERED, TRANSIENT (retry later), PERMANENT (dead-letter), or WAITING (no target
 *                   configured: nothing was sent, and no attempt is counted)
 * @param httpStatus the partner's HTTP status, or null when there was no response
 * @param detail     what happened (no message content)
 * @param ack        the acknowledgment returned on success (ORU: the decoded HL7 ACK), else null
 */
public record Attempt(String outcome, Integer httpStatus, String detail, String ack) {

    public static final String DELIVERED = "DELIVERED";
    public static final String TRANSIENT = "TRANSIENT";
    public static final String PERMANENT = "PERMANENT";
    public static final String WAITING = "WAITING";

    public boolean delivered() {
        return DELIVERED.equals(outcome);
    }

    public boolean permanent() {
        return PERMANENT.equals(outcome);
    }

    public boolean waiting() {
        return WAITING.equals(outcome);
    }
}
