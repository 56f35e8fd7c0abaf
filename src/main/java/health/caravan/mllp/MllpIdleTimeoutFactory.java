package health.caravan.mllp;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;

/** Closes an MLLP connection quietly when nothing has been read from it for the configured time (0 = never). */
public final class MllpIdleTimeoutFactory extends DefaultChannelHandlerFactory {

    private final long idleMillis;

    public MllpIdleTimeoutFactory(long idleMillis) {
        this.idleMillis = idleMillis;
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS) {
            @Override
            protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
                ctx.close();
            }
        };
    }
}
