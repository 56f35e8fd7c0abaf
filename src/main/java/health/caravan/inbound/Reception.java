package health.caravan.inbound;

/**
 * Where and how a message arrived.
 *
 * @param transport      {@code MLLP} or {@code HTTP}
 * @param listener       the listener or endpoint name
 * @param remoteAddress  peer address
 * @param receivedBy     who sent it (JWT system id for HTTP, the listener for MLLP)
 * @param charset        character set used to decode it (MLLP)
 * @param nakUnreadable  answer text that is not HL7 with an AR NAK (MLLP) instead of no ACK (HTTP 400)
 */
public record Reception(String transport, String listener, String remoteAddress, String receivedBy, String charset,
                        boolean nakUnreadable) {
}
