package health.caravan.publish;

/**
 * Where and how accepted ADT actions are published (reference §8).
 *
 * @param exchange     topic exchange (Polaris: {@code dhos})
 * @param routingKey   routing key (Polaris: {@code dhos.24891000000101})
 * @param deadLetterExchange  fanout exchange bound to queue {@code errors}
 * @param retryExchange fanout exchange bound to queue {@code retry} (TTL, dead-lettered back to the exchange)
 * @param retryTtlMillis message TTL of the retry queue
 * @param bzip2        compress bodies the way kombu consumers expect ({@code compression: application/x-bz2})
 */
public record PublicationSettings(String exchange, String routingKey, String deadLetterExchange, String retryExchange,
                                  long retryTtlMillis, boolean bzip2) {
}
