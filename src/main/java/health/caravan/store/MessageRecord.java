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
    /** Decoded text; never holds a NUL (stored as U+FFFD: PostgreSQL text cannot hold NUL). */
    public String content;
    /** The bytes exactly as received, held only when {@link #content} does not reproduce them. */
    public byte[] received;
    /** Write {@link #received} to {@code raw_content}: set when {@link #content} does not reproduce the bytes. */
    public boolean keepReceivedBytes;
    public String messageType;
    public String sentAt;
    public String srcDescription = "tie";
    public String dstDescription = "dhos";
    /** MSH-10.1 to be stored as the unique control id; null when validation did not pass. */
    public String controlId;
    /** MSH-3 and MSH-4 as received: with the control id they make the key duplicates are found by. */
    public String sendingApplication;
    public String sendingFacility;
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

    /** Builds the AE sent when the database refused a value of this message and only its bytes were kept. */
    public java.util.function.Supplier<String> refusedAck;

    boolean duplicate;
    /** The database refused a value (SQLState class 22/23): stored reduced to its bytes and an error. */
    String refusedSqlState;

    /**
     * Reduces the row to what the database cannot refuse: the received bytes, no parsed values, state
     * ERROR, the AE of {@link #refusedAck} (else the ACK already built), nothing to publish.
     */
    void reduceToBytes(String sqlState) {
        refusedSqlState = sqlState == null ? "?" : sqlState;
        if (received == null && content != null) {
            // the text reproduces the received bytes in the character set it was decoded with
            java.nio.charset.Charset decodedWith = java.nio.charset.StandardCharsets.UTF_8;
            try {
                decodedWith = charset == null ? decodedWith : java.nio.charset.Charset.forName(charset);
            } catch (RuntimeException ignored) {
                // keep UTF-8
            }
            received = content.getBytes(decodedWith);
        }
        keepReceivedBytes = true;
        content = null;
        messageType = null;
        sentAt = null;
        controlId = null;
        receivedControlId = null;
        sendingApplication = null;
        sendingFacility = null;
        nhsNumber = null;
        mrn = null;
        visitId = null;
        hasIdentifiers = false;
        remoteAddress = null;
        charset = null;
        createdBy = createdBy == null || createdBy.length() <= 255 ? createdBy : createdBy.substring(0, 255);
        listener = listener == null || listener.length() <= 64 ? listener : listener.substring(0, 64);
        outbox = List.of();
        duplicate = false;
        if (refusedAck != null) {
            ack = refusedAck.get();
            ackStatus = "AE";
        }
        state = MessageState.ERROR;
        errorText = REFUSED_TEXT + refusedSqlState + ")";
    }

    /** error_text of a message the database refused as it was. */
    public static final String REFUSED_TEXT = "The database refused a value of this message; its bytes are kept as received (SQLState ";

    boolean refused() {
        return refusedSqlState != null;
    }

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
