package health.caravan.store;

import java.time.Instant;
import java.util.List;

/**
 * One row of {@code hl7_message} as the inbound pipeline builds it, before it is stored. The store may
 * turn it into a duplicate (control id already taken) inside the transaction that writes it; then
 * {@link #duplicateAck} replaces {@link #ack}.
 */
public final class MessageRecord {

    public String uuid;
    public Instant created;
    public String createdBy;
    public String content;
    public String messageType;
    public String sentAt;
    public String srcDescription = "tie";
    public String dstDescription = "dhos";
    /** MSH-10.1 to be stored as the unique control id; null when validation did not pass. */
    public String controlId;
    /** MSH-10.1 whatever happened, for tracing. */
    public String receivedControlId;
    public String ack;
    public String ackStatus;
    /** Builds the AR sent instead of {@link #ack} when the control id turns out to be taken (rare, so built lazily). */
    public java.util.function.Supplier<String> duplicateAck;
    public String nhsNumber;
    public String mrn;
    public String visitId;
    public boolean hasIdentifiers;
    public MessageState state;
    public String errorText;
    public String transport;
    public String listener;
    public String remoteAddress;
    public String charset;
    /** JSON payloads to publish once the row is committed (written to the outbox in the same transaction). */
    public List<String> outbox = List.of();

    boolean duplicate;

    void markDuplicate() {
        duplicate = true;
    }

    void clearDuplicate() {
        duplicate = false;
    }

    /** What is written: a duplicate loses its control id, carries the duplicate ACK and publishes nothing. */
    String effectiveControlId() {
        return duplicate ? null : controlId;
    }

    String effectiveAck() {
        return duplicate ? duplicateAckText() : ack;
    }

    private String duplicateAckText;

    private String duplicateAckText() {
        if (duplicateAckText == null) {
            duplicateAckText = duplicateAck.get();
        }
        return duplicateAckText;
    }

    /** Accepted, not a duplicate: its outbox payloads are published. */
    public boolean publishable() {
        return !duplicate && state == MessageState.ACCEPTED;
    }

    String effectiveAckStatus() {
        return duplicate ? "AR" : ackStatus;
    }

    MessageState effectiveState() {
        return duplicate ? MessageState.DUPLICATE : state;
    }

    String effectiveErrorText() {
        return duplicate ? MessageState.DUPLICATE_TEXT : errorText;
    }
}
