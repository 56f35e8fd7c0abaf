package health.caravan.inbound;

import java.net.SocketAddress;
import java.nio.charset.Charset;
import java.util.concurrent.CompletableFuture;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import health.caravan.hl7.MllpCharset;
import health.caravan.mllp.MllpBackpressure;
import health.caravan.store.StoreUnavailableException;

/**
 * One MLLP frame in, its ACK out. The frame's bytes are decoded with MSH-18's character set (else the
 * configured default), stored, and only then acknowledged; the ACK is encoded in the same character set.
 * When the store is unavailable no AA leaves: the connection is closed without an ACK (or, if so
 * configured, an AE is sent).
 *
 * <p>Asynchronous: the netty thread hands the message to the store and moves on; the ACK is written
 * when the commit completes. ACKs of one connection are chained so they leave in the order the frames
 * arrived, whichever group commit stored them first.
 */
public final class ReceiveHl7OverMllp extends AsyncProcessorSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiveHl7OverMllp.class);
    private static final AttributeKey<CompletableFuture<Void>> LAST_ACK = AttributeKey.valueOf("caravan.mllp.last-ack");

    private final InboundPipeline pipeline;
    private final Charset defaultCharset;
    private final boolean nakOnStoreFailure;
    private final MllpBackpressure backpressure;

    public ReceiveHl7OverMllp(InboundPipeline pipeline, Charset defaultCharset, boolean nakOnStoreFailure,
                              MllpBackpressure backpressure) {
        this.pipeline = pipeline;
        this.defaultCharset = defaultCharset;
        this.nakOnStoreFailure = nakOnStoreFailure;
        this.backpressure = backpressure;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        byte[] frame = exchange.getMessage().getBody(byte[].class);
        // a UTF-8 byte-order mark before MSH says UTF-8 (unless MSH-18 says otherwise) and is not part of the message
        int bom = MllpCharset.utf8ByteOrderMarkLength(frame);
        Charset charset = MllpCharset.of(frame, bom, bom > 0 ? java.nio.charset.StandardCharsets.UTF_8 : defaultCharset);
        String text = new String(frame, bom, frame.length - bom, charset);
        Object remote = exchange.getMessage().getHeader("CamelNettyRemoteAddress");
        ChannelHandlerContext ctx = exchange.getMessage().getHeader("CamelNettyChannelHandlerContext", ChannelHandlerContext.class);
        String listener = exchange.getFromRouteId();
        Reception from = new Reception("MLLP", listener,
                remote instanceof SocketAddress a ? a.toString() : null, "mllp:" + listener, charset.name(), true);
        exchange.getMessage().getHeaders().clear();
        if (ctx != null) {
            // stop reading this connection (or all) while too much waits for the store; resumes as ACKs leave
            backpressure.received(ctx.channel(), frame.length);
        }

        CompletableFuture<InboundResult> stored;
        try {
            stored = pipeline.receiveAsync(text, frame, from);
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (ctx != null) {
            CompletableFuture<Void> last = ctx.channel().attr(LAST_ACK).getAndSet(mine);
            previous = last == null ? previous : last;
        }
        CompletableFuture<InboundResult> result = stored;
        previous.whenComplete((ignored, alsoIgnored) -> result.whenComplete((r, error) -> {
            Runnable reply = () -> {
                try {
                    answer(exchange, text, charset, r, error);
                } finally {
                    callback.done(false);
                    if (ctx != null) {
                        backpressure.done(ctx.channel(), frame.length);
                    }
                }
            };
            // replies of one connection run on its event loop, in the order they are handed over here
            if (ctx != null) {
                ctx.executor().execute(reply);
            } else {
                reply.run();
            }
            mine.complete(null);
        }));
        return false;
    }

    private void answer(Exchange exchange, String text, Charset charset, InboundResult result, Throwable error) {
        if (error == null) {
            exchange.getMessage().setBody(result.ack().getBytes(charset));
            return;
        }
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        LOG.warn("MLLP message not stored ({}): {}", cause instanceof StoreUnavailableException ? cause.getMessage()
                : cause.getClass().getName(), nakOnStoreFailure ? "answering AE" : "closing the connection without an ACK");
        if (nakOnStoreFailure) {
            exchange.getMessage().setBody(pipeline.storeFailureAck(text).getBytes(charset));
        } else {
            exchange.getMessage().setBody(null);
            exchange.getMessage().setHeader("CamelNettyCloseChannelWhenComplete", true);
        }
    }
}
