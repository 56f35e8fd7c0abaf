package health.caravan.mllp;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;

/**
 * MLLP framing for the netty listener: {@code <VT> message <FS><CR>}. Every frame in a TCP read is
 * emitted in order (several pipelined frames each get their own exchange and ACK); bytes before the
 * start block are skipped, and a frame without a start block is still delivered so it can be stored
 * and NAKed rather than silently dropped. A frame larger than the limit closes the connection.
 *
 * <p>Written for the hot path: each byte is scanned once (netty's delimiter decoder rescans the
 * whole buffer on every read, which cost a third of the listener's CPU under load).
 */
public final class MllpFrameDecoderFactory extends DefaultChannelHandlerFactory {

    private static final byte START_BLOCK = 0x0b;
    private static final byte END_BLOCK = 0x1c;
    private static final byte CARRIAGE_RETURN = 0x0d;

    private final int maxFrameBytes;
    private final long frameTimeoutMillis;

    /**
     * @param frameTimeoutMillis a frame that has started must be complete within this time, however
     *                           slowly its bytes trickle in (0 = no limit); else the connection is closed
     */
    public MllpFrameDecoderFactory(int maxFrameBytes, long frameTimeoutMillis) {
        this.maxFrameBytes = maxFrameBytes;
        this.frameTimeoutMillis = frameTimeoutMillis;
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return new Decoder(maxFrameBytes, frameTimeoutMillis);
    }

    static final class Decoder extends ByteToMessageDecoder {

        private final int maxFrameBytes;
        private final long frameTimeoutMillis;
        /** How far past the reader index the current frame has been searched already. */
        private int scanned;
        /** Counts frames, so a pending timeout knows whether its frame has completed meanwhile. */
        private long frameNumber;
        private long timedFrame = -1;

        Decoder(int maxFrameBytes, long frameTimeoutMillis) {
            this.maxFrameBytes = maxFrameBytes;
            this.frameTimeoutMillis = frameTimeoutMillis;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws TooLongFrameException {
            while (in.isReadable()) {
                int end = findEnd(in);
                if (end < 0) {
                    if (in.readableBytes() > maxFrameBytes) {
                        in.skipBytes(in.readableBytes());
                        scanned = 0;
                        throw new TooLongFrameException("MLLP frame longer than " + maxFrameBytes + " bytes");
                    }
                    startFrameTimer(ctx);
                    return;
                }
                frameNumber++;
                int start = in.indexOf(in.readerIndex(), end, START_BLOCK);
                int dataStart = start < 0 ? in.readerIndex() : start + 1;
                byte[] frame = new byte[end - dataStart];
                in.getBytes(dataStart, frame);
                in.readerIndex(end + 2);
                scanned = 0;
                out.add(frame);
            }
        }

        /** Closes the connection if the frame now pending is still incomplete when its time is up. */
        private void startFrameTimer(ChannelHandlerContext ctx) {
            if (frameTimeoutMillis <= 0 || timedFrame == frameNumber) {
                return;
            }
            long frame = frameNumber;
            timedFrame = frame;
            ctx.executor().schedule(() -> {
                if (frameNumber == frame && ctx.channel().isActive()) {
                    ctx.close();
                }
            }, frameTimeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        /** Index of the FS of the first complete FS CR pair, or -1 (remembering how far it looked). */
        private int findEnd(ByteBuf in) {
            int from = in.readerIndex() + scanned;
            int limit = in.writerIndex();
            while (from < limit) {
                int fs = in.indexOf(from, limit, END_BLOCK);
                if (fs < 0) {
                    scanned = limit - in.readerIndex();
                    return -1;
                }
                if (fs + 1 >= limit) {
                    scanned = fs - in.readerIndex();
                    return -1;
                }
                if (in.getByte(fs + 1) == CARRIAGE_RETURN) {
                    return fs;
                }
                from = fs + 1;
            }
            scanned = limit - in.readerIndex();
            return -1;
        }
    }
}
