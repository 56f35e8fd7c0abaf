package health.caravan.publish;

/**
 * Where and how accepted ADT actions are published (reference §8).
 *
 * @param exchange     topic exchange (Polaris: {@code dhos})
 * @param routingKey   routing key (Polaris: {@code dhos.24891000000101})
 * @param deadLetterExchange  fanout exchange bound to queue {@code errorsQueue}
 * @param retryExchange fanout exchange bound to queue {@code retryQueue} (TTL, dead-lettered back to the exchange)
 * @param retryTtlMillis message TTL of the retry queue
 * @param bzip2        compress bodies the way kombu consumers expect ({@code compression: application/x-bz2})
 * @param errorsQueue  queue bound to the dead-letter exchange (Polaris: {@code errors})
 * @param retryQueue   queue bound to the retry exchange (Polaris: {@code retry})
 */
public record PublicationSettings(String exchange, String routingKey, String deadLetterExchange, String retryExchange,
                                  long retryTtlMillis, boolean bzip2, String errorsQueue, String retryQueue) {

    /** The Polaris exchange, whose topology keeps the Polaris names ({@code dhos-dlx} → {@code errors}, {@code dhos-retry} → {@code retry}). */
    public static final String POLARIS_EXCHANGE = "dhos";

    /**
     * Settings with the exchanges and queues named from the exchange where not set (blank): {@code <exchange>-dlx},
     * {@code <exchange>-retry}, and queues {@code errors}/{@code retry} for {@code dhos}, else
     * {@code <exchange>-errors}/{@code <exchange>-retry}. The retry queue's arguments depend on the exchange, so
     * two exchanges on one broker must not share it.
     */
    public static PublicationSettings derive(String exchange, String routingKey, String deadLetterExchange,
                                             String retryExchange, long retryTtlMillis, boolean bzip2,
                                             String errorsQueue, String retryQueue) {
        boolean polaris = POLARIS_EXCHANGE.equals(exchange);
        return new PublicationSettings(exchange, routingKey,
                orDefault(deadLetterExchange, exchange + "-dlx"),
                orDefault(retryExchange, exchange + "-retry"),
                retryTtlMillis, bzip2,
                orDefault(errorsQueue, polaris ? "errors" : exchange + "-errors"),
                orDefault(retryQueue, polaris ? "retry" : exchange + "-retry"));
    }

    private static String orDefault(String value, String derived) {
        return value == null || value.isBlank() ? derived : value.trim();
    }
}
