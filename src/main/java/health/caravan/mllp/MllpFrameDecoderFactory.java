package health.caravan.mllp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DelimiterBasedFrameDecoder;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;

/**
 * MLLP framing for the netty listener: {@code <VT> message <FS><CR>}. Every frame in a TCP read is
 * emitted in order (several pipelined frames each get their own exchange and ACK); bytes before the
 * start block are skipped, and a frame without a start block is still delivered so it can be stored
 * and NAKed rather than silently dropped. Frames larger than the limit close the connection.
 */
public final class MllpFrameDecoderFactory extends DefaultChannelHandlerFactory {

    private static final byte START_BLOCK = 0x0b;
    private final int maxFrameBytes;

    public MllpFrameDecoderFactory(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return new Decoder(maxFrameBytes);
    }

    static final class Decoder extends DelimiterBasedFrameDecoder {

        Decoder(int maxFrameBytes) {
            super(maxFrameBytes, true, true, Unpooled.wrappedBuffer(new byte[] {0x1c, 0x0d}));
        }

        @Override
        protected Object decode(ChannelHandlerContext ctx, ByteBuf buffer) throws Exception {
            ByteBuf frame = (ByteBuf) super.decode(ctx, buffer);
            if (frame == null) {
                return null;
            }
            try {
                int start = frame.indexOf(frame.readerIndex(), frame.writerIndex(), START_BLOCK);
                if (start >= 0) {
                    frame.readerIndex(start + 1);
                }
                byte[] bytes = new byte[frame.readableBytes()];
                frame.readBytes(bytes);
                return bytes;
            } finally {
                frame.release();
            }
        }
    }
}
