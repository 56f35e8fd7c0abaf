package health.caravan.mllp;

import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Bounds what the MLLP listener holds in memory before messages are stored: a connection stops being
 * read while it has {@code maxFramesPerConnection} frames waiting for their ACK, and every connection
 * stops being read while the frames waiting on all connections add up to more than {@code maxBytes}.
 * Reading resumes as ACKs leave. The sender sees TCP back-pressure, never a lost or refused message.
 */
public final class MllpBackpressure {

    private static final AttributeKey<AtomicInteger> WAITING = AttributeKey.valueOf("caravan.mllp.waiting");

    private final int maxFramesPerConnection;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private final Set<Channel> paused = ConcurrentHashMap.newKeySet();

    public MllpBackpressure(int maxFramesPerConnection, long maxBytes) {
        if (maxFramesPerConnection < 1) {
            throw new IllegalArgumentException("caravan.mllp.max-in-flight-frames (CARAVAN_MLLP_MAX_IN_FLIGHT_FRAMES) must be at least 1");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("caravan.mllp.max-in-flight-bytes (CARAVAN_MLLP_MAX_IN_FLIGHT_BYTES) must be at least 1");
        }
        this.maxFramesPerConnection = maxFramesPerConnection;
        this.maxBytes = maxBytes;
    }

    /** A frame of {@code size} bytes was read on the channel and waits for its ACK. */
    public void received(Channel channel, int size) {
        int waiting = waiting(channel).incrementAndGet();
        long total = bytes.addAndGet(size);
        if (waiting >= maxFramesPerConnection || total > maxBytes) {
            paused.add(channel);
            channel.config().setAutoRead(false);
        }
    }

    /** The frame's ACK was handed over (or the frame was dropped). */
    public void done(Channel channel, int size) {
        waiting(channel).decrementAndGet();
        long total = bytes.addAndGet(-size);
        if (paused.isEmpty() || total > maxBytes) {
            return;
        }
        for (Iterator<Channel> it = paused.iterator(); it.hasNext(); ) {
            Channel c = it.next();
            if (!c.isActive()) {
                it.remove();
            } else if (waiting(c).get() < maxFramesPerConnection && bytes.get() <= maxBytes) {
                it.remove();
                c.config().setAutoRead(true);
            }
        }
    }

    /** Bytes of frames read and not yet answered, over all connections. */
    public long bytesInFlight() {
        return bytes.get();
    }

    private static AtomicInteger waiting(Channel channel) {
        AtomicInteger n = channel.attr(WAITING).get();
        if (n == null) {
            n = new AtomicInteger();
            AtomicInteger raced = channel.attr(WAITING).setIfAbsent(n);
            if (raced != null) {
                n = raced;
            }
        }
        return n;
    }
}
