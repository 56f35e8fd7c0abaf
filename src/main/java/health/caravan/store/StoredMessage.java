package health.caravan.store;

import java.time.LocalDateTime;

/** A stored {@code hl7_message} row as the API shows it. */
public record StoredMessage(
        String uuid,
        LocalDateTime created,
        String createdBy,
        LocalDateTime modified,
        String modifiedBy,
        String content,
        String messageType,
        String sentAt,
        boolean processed,
        String srcDescription,
        String dstDescription,
        String messageControlId,
        String ackStatus,
        String nhsNumber,
        String mrn,
        String visitId,
        boolean hasIdentifiers,
        String state,
        String transport) {
}
