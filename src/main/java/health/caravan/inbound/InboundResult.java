package health.caravan.inbound;

import health.caravan.store.MessageState;

/**
 * What the pipeline decided and stored for one received message.
 *
 * @param uuid   the stored row
 * @param state  what happened to it
 * @param ack    the ACK text to send back; null when none is sent (HTTP 400 cases)
 * @param reason why it was not accepted (rule text, no PHI); null when accepted
 */
public record InboundResult(String uuid, MessageState state, String ack, String reason) {
}
