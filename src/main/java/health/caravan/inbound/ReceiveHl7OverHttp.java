package health.caravan.inbound;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import health.caravan.security.Caller;
import health.caravan.store.MessageState;
import health.caravan.security.RequireToken;
import health.caravan.web.HttpResponses;

/**
 * {@code POST /dhos/v1/message}: {@code {"type": "HL7v2", "body": <base64>}} in, and — once the
 * message is stored — {@code 200 {"uuid", "type": "HL7v2", "body": <base64 ACK>}} out, for AA, AE and
 * AR alike. Requests that never become HL7 text are stored too and answered 400 without an ACK.
 */
public final class ReceiveHl7OverHttp implements Processor {

    private final InboundPipeline pipeline;

    public ReceiveHl7OverHttp(InboundPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void process(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        Caller caller = RequireToken.caller(exchange);
        Reception from = new Reception("HTTP", "POST /dhos/v1/message",
                exchange.getMessage().getHeader("CamelVertxPlatformHttpRemoteAddress", String.class),
                caller == null ? "unknown" : caller.systemId(), "UTF-8", false);

        JsonNode request;
        try {
            request = body == null || body.isBlank() ? null : HttpResponses.JSON.readTree(body);
        } catch (Exception e) {
            request = null;
        }
        if (request == null || !request.isObject()) {
            reject(exchange, body, MessageState.INVALID_REQUEST, "Request body must be a JSON object (Content-Type: application/json)", from);
            return;
        }
        JsonNode type = request.get("type");
        JsonNode b64 = request.get("body");
        if (type == null || !type.isTextual() || b64 == null || !b64.isTextual()) {
            reject(exchange, body, MessageState.INVALID_REQUEST, "'type' and 'body' are required strings", from);
            return;
        }
        if (!"HL7v2".equals(type.asText())) {
            reject(exchange, body, MessageState.INVALID_REQUEST, "'type' must be 'HL7v2'", from);
            return;
        }
        String text;
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(b64.asText());
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException e) {
            reject(exchange, b64.asText(), MessageState.UNDECODABLE, "'body' is not valid base64", from);
            return;
        } catch (CharacterCodingException e) {
            reject(exchange, b64.asText(), MessageState.UNDECODABLE, "'body' is not UTF-8 text", from);
            return;
        }

        InboundResult result = pipeline.receive(text, bytes, from);
        if (result.ack() == null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", result.reason());
            error.put("uuid", result.uuid());
            HttpResponses.json(exchange, 400, error);
            return;
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("uuid", result.uuid());
        response.put("type", "HL7v2");
        response.put("body", Base64.getEncoder().encodeToString(result.ack().getBytes(StandardCharsets.UTF_8)));
        HttpResponses.json(exchange, 200, response);
    }

    private void reject(Exchange exchange, String content, MessageState state, String reason, Reception from) {
        InboundResult stored = pipeline.receiveUnreadable(content, state, reason, from);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", reason);
        error.put("uuid", stored.uuid());
        HttpResponses.json(exchange, 400, error);
    }
}
