package health.caravan.publish;

import java.time.LocalDateTime;

/** One pending publication. */
public record OutboxRow(long id, String messageUuid, String exchange, String routingKey, String payload,
                        LocalDateTime created) {
}
