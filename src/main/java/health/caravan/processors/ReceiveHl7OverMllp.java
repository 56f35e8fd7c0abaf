package health.caravan.processors;

import java.net.SocketAddress;
import java.nio.charset.Charset;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import health.caravan.hl7.MllpCharset;
import health.caravan.inbound.InboundPipeline;
import health.caravan.inbound.InboundResult;
import health.caravan.inbound.Reception;
import health.caravan.store.StoreUnavailableException;

/**
 * One MLLP frame in, its ACK out. The frame's bytes are decoded with MSH-18's character set (else the
 * configured default), stored, and only then acknowledged; the ACK is encoded in the same character set.
 * When the store is unavailable no AA leaves: the connection is closed without an ACK (or, if so
 * configured, an AE is sent).
 */
public final class ReceiveHl7OverMllp implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiveHl7OverMllp.class);

    private final InboundPipeline pipeline;
    private final Charset defaultCharset;
    private final boolean nakOnStoreFailure;

    public ReceiveHl7OverMllp(InboundPipeline pipeline, Charset defaultCharset, boolean nakOnStoreFailure) {
        this.pipeline = pipeline;
        this.defaultCharset = defaultCharset;
        this.nakOnStoreFailure = nakOnStoreFailure;
    }

    @Override
    public void process(Exchange exchange) {
        byte[] frame = exchange.getMessage().getBody(byte[].class);
        Charset charset = MllpCharset.of(frame, defaultCharset);
        String text = new String(frame, charset);
        Object remote = exchange.getMessage().getHeader("CamelNettyRemoteAddress");
        String listener = exchange.getFromRouteId();
        Reception from = new Reception("MLLP", listener,
                remote instanceof SocketAddress a ? a.toString() : null, "mllp:" + listener, charset.name(), true);
        exchange.getMessage().getHeaders().clear();
        try {
            InboundResult result = pipeline.receive(text, from);
            exchange.getMessage().setBody(result.ack().getBytes(charset));
        } catch (StoreUnavailableException e) {
            LOG.warn("MLLP message not stored ({}): {}", e.getMessage(),
                    nakOnStoreFailure ? "answering AE" : "closing the connection without an ACK");
            if (nakOnStoreFailure) {
                exchange.getMessage().setBody(pipeline.storeFailureAck(text).getBytes(charset));
            } else {
                exchange.getMessage().setBody(null);
                exchange.getMessage().setHeader("CamelNettyCloseChannelWhenComplete", true);
            }
        }
    }
}
