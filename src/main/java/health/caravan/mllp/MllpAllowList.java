package health.caravan.mllp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ipfilter.IpFilterRule;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.handler.ipfilter.RuleBasedIpFilter;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may connect to the MLLP listener: a list of addresses and CIDR ranges ({@code 10.1.2.3},
 * {@code 10.20.0.0/16}, {@code fd00::/8}); a connection from anywhere else is closed before a byte is
 * read. Empty: anyone who can reach the port (then restrict it with the bind address, mTLS or the network).
 */
public final class MllpAllowList extends DefaultChannelHandlerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(MllpAllowList.class);

    private final ChannelHandler handler;

    /** @param allowed comma-separated addresses and CIDR ranges; blank = everyone */
    public MllpAllowList(String allowed) {
        List<IpFilterRule> rules = new ArrayList<>();
        if (allowed != null) {
            for (String entry : allowed.split(",")) {
                String e = entry.trim();
                if (e.isEmpty()) {
                    continue;
                }
                try {
                    int slash = e.indexOf('/');
                    String address = slash < 0 ? e : e.substring(0, slash);
                    int bits = slash < 0 ? (address.contains(":") ? 128 : 32) : Integer.parseInt(e.substring(slash + 1));
                    rules.add(new IpSubnetFilterRule(address, bits, IpFilterRuleType.ACCEPT));
                } catch (RuntimeException ex) {
                    throw new IllegalStateException("Refusing to start: caravan.mllp.allowed-senders (CARAVAN_MLLP_ALLOWED_SENDERS) "
                            + "holds '" + e + "', which is not an IP address or CIDR range (e.g. 10.20.0.0/16)");
                }
            }
        }
        handler = rules.isEmpty() ? new PassThrough() : new Filter(rules.toArray(new IpFilterRule[0]));
    }

    public boolean restricts() {
        return handler instanceof Filter;
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return handler;
    }

    @ChannelHandler.Sharable
    private static final class PassThrough extends ChannelHandlerAdapter {
    }

    @ChannelHandler.Sharable
    private static final class Filter extends RuleBasedIpFilter {
        Filter(IpFilterRule[] rules) {
            super(false, rules);
        }

        @Override
        protected io.netty.channel.ChannelFuture channelRejected(ChannelHandlerContext ctx, InetSocketAddress remote) {
            LOG.warn("MLLP connection from {} refused: not in caravan.mllp.allowed-senders", remote.getAddress().getHostAddress());
            return null;
        }
    }
}
