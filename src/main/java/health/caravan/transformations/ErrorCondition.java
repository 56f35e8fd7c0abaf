package health.caravan.transformations;

/**
 * HL7 table 0357 (message error condition) codes that Caravan's NAKs use: in ERR-1.4 of pre-2.5 ACKs
 * and, with {@code caravan.ack.error-codes=hl70357}, in ERR-3.
 */
public enum ErrorCondition {
    /** A required segment is missing (table 0357 also covers segments out of order). */
    SEGMENT_SEQUENCE_ERROR("100", "Segment sequence error"),
    REQUIRED_FIELD_MISSING("101", "Required field missing"),
    DATA_TYPE_ERROR("102", "Data type error"),
    TABLE_VALUE_NOT_FOUND("103", "Table value not found"),
    UNSUPPORTED_MESSAGE_TYPE("200", "Unsupported message type"),
    UNSUPPORTED_EVENT_CODE("201", "Unsupported event code"),
    DUPLICATE_KEY_IDENTIFIER("205", "Duplicate key identifier"),
    APPLICATION_INTERNAL_ERROR("207", "Application internal error");

    private final String code;
    private final String text;

    ErrorCondition(String code, String text) {
        this.code = code;
        this.text = text;
    }

    public String code() {
        return code;
    }

    public String text() {
        return text;
    }
}
