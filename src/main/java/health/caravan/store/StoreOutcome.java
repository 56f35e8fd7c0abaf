package health.caravan.store;

/** The result of storing a record: whether it turned out to be a duplicate, and the ACK that was stored. */
public record StoreOutcome(boolean duplicate, String ack) {
}
