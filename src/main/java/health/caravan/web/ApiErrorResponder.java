package health.caravan.web;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import health.caravan.security.AuthException;
import health.caravan.store.StoreUnavailableException;

/** Turns an exception from an HTTP route into a JSON {@code {"message": ...}} error with the right status. */
public final class ApiErrorResponder implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrorResponder.class);

    @Override
    public void process(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (e instanceof ApiException api) {
            HttpResponses.error(exchange, api.status(), api.getMessage());
            if (e instanceof AuthException && api.status() == 401) {
                exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
            }
        } else if (e instanceof StoreUnavailableException) {
            LOG.warn("HTTP request failed: message store unavailable");
            HttpResponses.error(exchange, 503, "Service unavailable: the message store cannot be reached");
        } else {
            // class name only: exception messages may quote message content
            LOG.error("HTTP request failed: {}", e == null ? "unknown" : e.getClass().getName());
            HttpResponses.error(exchange, 500, "Internal server error");
        }
    }
}
