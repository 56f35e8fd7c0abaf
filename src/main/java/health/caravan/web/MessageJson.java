package health.caravan.web;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import health.caravan.store.StoredMessage;

/** The Polaris message object ({@code Hl7Message.to_dict}, reference §3.2). */
public final class MessageJson {

    private static final DateTimeFormatter UTC_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");

    private MessageJson() {
    }

    public static Map<String, Object> of(StoredMessage m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("uuid", m.uuid());
        o.put("created", format(m.created()));
        o.put("created_by", m.createdBy());
        o.put("modified", format(m.modified()));
        o.put("modified_by", m.modifiedBy());
        o.put("content", m.content());
        o.put("message_type", m.messageType());
        o.put("sent_at", m.sentAt());
        o.put("is_processed", m.processed());
        o.put("src_description", m.srcDescription());
        o.put("dst_description", m.dstDescription());
        o.put("message_control_id", m.messageControlId());
        o.put("ack_status", m.ackStatus());
        return o;
    }

    private static String format(LocalDateTime t) {
        return t == null ? null : t.format(UTC_MILLIS);
    }
}
