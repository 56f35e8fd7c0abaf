package health.caravan.web;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Writes JSON responses onto the exchange. */
public final class HttpResponses {

    public static final ObjectMapper JSON = new ObjectMapper();

    private HttpResponses() {
    }

    public static void json(Exchange exchange, int status, Object body) {
        Message m = exchange.getMessage();
        // never echo request headers (they may carry tokens) back as response headers
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            m.setBody(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void empty(Exchange exchange, int status) {
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setBody(null);
    }

    public static void error(Exchange exchange, int status, String message) {
        json(exchange, status, Map.of("message", message));
    }
}
