package health.caravan.store;

/** What happened to a received message. */
public enum MessageState {
    /** Validated and acknowledged AA. */
    ACCEPTED,
    /** Acknowledged AR by a validation rule. */
    REJECTED,
    /** Acknowledged AE (validation rule or unexpected processing error). */
    ERROR,
    /** Control id already stored: acknowledged AR. */
    DUPLICATE,
    /** Text that is not an HL7 v2 message. */
    NOT_HL7,
    /** HTTP body whose base64 or UTF-8 could not be decoded. */
    UNDECODABLE,
    /** HTTP request that was not a valid {"type":"HL7v2","body":...} object. */
    INVALID_REQUEST,
    /** A message Caravan generated and delivers (ORU^R01, CDA); see the delivery table. */
    OUTBOUND;

    public static final String DUPLICATE_TEXT = "HL7 message appears to be duplicate";
}
