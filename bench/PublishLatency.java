import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Receive → publish latency: consumes Caravan's ADT publications and compares the time each arrives
 * with the {@code caravan_received_at_us} header (when Caravan received the HL7 message).
 *
 *   java -cp target/caravan.jar bench/PublishLatency.java amqp://guest:guest@127.0.0.1:5672 20000 120
 *
 * (expected messages, max seconds). Prints count, msgs/s between first and last delivery, p50/p90/p99/max.
 */
public class PublishLatency {
    public static void main(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : "amqp://guest:guest@127.0.0.1:5672";
        int expected = args.length > 1 ? Integer.parseInt(args[1]) : 20000;
        int maxSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 120;
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(uri);
        long[] latencies = new long[expected];
        long[] firstLast = {0, 0};
        AtomicInteger count = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        try (Connection c = f.newConnection("caravan-bench")) {
            Channel ch = c.createChannel();
            ch.exchangeDeclare("dhos", "topic", true);
            String q = ch.queueDeclare("", false, true, true, null).getQueue();
            ch.queueBind(q, "dhos", "dhos.24891000000101");
            System.err.println("ready");
            ch.basicConsume(q, true, (tag, d) -> {
                Instant now = Instant.now();
                long nowUs = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
                Map<String, Object> h = d.getProperties().getHeaders();
                Object received = h == null ? null : h.get("caravan_received_at_us");
                int i = count.getAndIncrement();
                if (i == 0) {
                    firstLast[0] = System.nanoTime();
                }
                if (i < expected && received instanceof Number n) {
                    latencies[i] = nowUs - n.longValue();
                }
                if (i + 1 == expected) {
                    firstLast[1] = System.nanoTime();
                    done.countDown();
                }
            }, tag -> { });
            done.await(maxSeconds, TimeUnit.SECONDS);
        }
        int n = Math.min(count.get(), expected);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        double seconds = (firstLast[1] - firstLast[0]) / 1e9;
        System.out.printf("published=%d msgs_per_s=%.1f receive_to_publish_p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f%n",
                n, seconds > 0 ? (n - 1) / seconds : 0, pct(sorted, 50), pct(sorted, 90), pct(sorted, 99),
                n == 0 ? 0 : sorted[n - 1] / 1000.0);
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1000.0;
    }
}
