package health.caravan.inbound;

import java.time.Clock;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import health.caravan.transformations.AckBuilder;
import health.caravan.hl7.Hl7Text;
import health.caravan.hl7.NotHl7Exception;
import health.caravan.store.MessageRecord;
import health.caravan.store.MessageState;
import health.caravan.store.MessageStore;
import health.caravan.store.StoreUnavailableException;
import health.caravan.store.TimeOrderedUuid;
import health.caravan.transformations.AckCode;
import health.caravan.transformations.AdtDecision;
import health.caravan.transformations.AdtInboundRules;
import health.caravan.transformations.ErrorCondition;
import health.caravan.transformations.IdentifierTypes;
import health.caravan.transformations.Verdict;

/**
 * The inbound HL7 v2 pipeline shared by MLLP and HTTP: parse, validate, decide the ACK, map the
 * actions, store everything in one transaction, and only then return the ACK.
 */
public final class InboundPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(InboundPipeline.class);

    private final MessageStore store;
    private final AdtInboundRules rules;
    private final AckBuilder acks;
    private final Clock clock;
    private final long storeTimeoutMillis;
    private final ObjectMapper json = new ObjectMapper();
    private final MeterRegistry meters;
    private static final char BYTE_ORDER_MARK = '\uFEFF';
    static final String REFUSED_REASON = "Message holds a value that cannot be stored as received; it was kept as bytes";
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public InboundPipeline(MessageStore store, IdentifierTypes identifierTypes, ZoneId zone, Clock clock,
                           String ownApplication, long storeTimeoutMillis, MeterRegistry meters,
                           AckBuilder.ErrorCodes errorCodes) {
        this.meters = meters;
        this.store = store;
        this.clock = clock;
        this.rules = new AdtInboundRules(identifierTypes, zone);
        this.acks = new AckBuilder(clock, ownApplication, errorCodes);
        this.storeTimeoutMillis = storeTimeoutMillis;
    }

    /**
     * Processes decoded message text and waits for it to be stored.
     *
     * @throws StoreUnavailableException when the message could not be stored: no ACK may be sent
     */
    public InboundResult receive(String text, Reception from) {
        return await(receiveAsync(text, null, from));
    }

    /** Like {@link #receive(String, Reception)}, keeping the received bytes should the text not hold them. */
    public InboundResult receive(String text, byte[] received, Reception from) {
        return await(receiveAsync(text, received, from));
    }

    /**
     * Processes decoded message text; the future completes once the message is stored (its ACK may
     * then be sent), or fails with {@link StoreUnavailableException}.
     */
    public CompletableFuture<InboundResult> receiveAsync(String text, byte[] received, Reception from) {
        MessageRecord r = newRecord(text, received, from);
        Hl7Text message;
        try {
            message = Hl7Text.parse(r.content);
        } catch (NotHl7Exception e) {
            String reason = "Message is not HL7 v2: " + e.getMessage();
            r.state = MessageState.NOT_HL7;
            r.errorText = reason;
            if (from.nakUnreadable()) {
                r.ack = acks.rejectUnreadable(reason);
                r.ackStatus = AckCode.AR.name();
            }
            return store(r, reason);
        }
        r.receivedControlId = message.get("MSH", 10);
        r.sendingApplication = message.rawField("MSH", 3);
        r.sendingFacility = message.rawField("MSH", 4);
        r.refusedAck = () -> acks.ack(message, AckCode.AE, REFUSED_REASON);

        AdtDecision decision = rules.decide(message);
        Verdict verdict = decision.verdict();
        if (decision.identifiers() != null) {
            r.nhsNumber = decision.identifiers().nhsNumber();
            r.mrn = decision.identifiers().mrn();
            r.visitId = decision.identifiers().visitId();
            r.hasIdentifiers = true;
        }
        r.messageType = decision.messageType();
        r.sentAt = decision.sentAt();
        r.controlId = decision.controlId();
        if (verdict.accepted()) {
            r.state = MessageState.ACCEPTED;
            r.outbox = List.of(payload(r.uuid, decision.actions()));
        } else {
            r.state = verdict.code() == AckCode.AR ? MessageState.REJECTED : MessageState.ERROR;
        }
        r.ack = acks.ack(message, verdict);
        r.ackStatus = verdict.code().name();
        r.errorText = verdict.reason();
        r.duplicateAck = () -> acks.ack(message,
                Verdict.reject(ErrorCondition.DUPLICATE_KEY_IDENTIFIER, "MSH", 10, MessageState.DUPLICATE_TEXT));
        return store(r, verdict.reason());
    }

    /** The published body: {@code {"dhos_connector_message_uuid", "actions"}}. */
    private String payload(String uuid, List<Map<String, Object>> actions) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("dhos_connector_message_uuid", uuid);
        payload.put("actions", actions);
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stores a request whose content never became HL7 text (bad base64 or UTF-8, invalid JSON). No ACK.
     *
     * @throws StoreUnavailableException when it could not be stored
     */
    public InboundResult receiveUnreadable(String rawContent, MessageState state, String reason, Reception from) {
        MessageRecord r = newRecord(rawContent, null, from);
        r.state = state;
        r.errorText = reason;
        return await(store(r, reason));
    }

    /** The AE sent (when so configured) for a message that could not be stored; nothing about it is kept. */
    public String storeFailureAck(String text) {
        String reason = "Message could not be stored; send it again later";
        try {
            return acks.ack(Hl7Text.parse(text), Verdict.error(ErrorCondition.APPLICATION_INTERNAL_ERROR, null, 0, reason));
        } catch (NotHl7Exception e) {
            return acks.rejectUnreadable(reason);
        }
    }

    /**
     * A new row. Its text loses a leading byte-order mark; a NUL (which PostgreSQL text cannot hold)
     * becomes U+FFFD, and then — or when decoding already replaced bytes with U+FFFD — the received bytes
     * are stored as well, so nothing received is lost.
     */
    private MessageRecord newRecord(String content, byte[] received, Reception from) {
        MessageRecord r = new MessageRecord();
        r.uuid = TimeOrderedUuid.next().toString();
        r.created = clock.instant();
        r.createdBy = from.receivedBy();
        String text = content;
        if (text != null && !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK) {
            text = text.substring(1);
        }
        if (text != null && text.indexOf('\u0000') >= 0) {
            text = text.replace('\u0000', '\uFFFD');
            r.keepReceivedBytes = true;
        } else if (text != null && text.indexOf('\uFFFD') >= 0 && received != null) {
            r.keepReceivedBytes = true;
        }
        // held only when the text does not reproduce them (a frame's bytes need not outlive its decoding)
        r.received = !r.keepReceivedBytes ? null
                : received != null ? received : content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        r.content = text;
        r.transport = from.transport();
        r.listener = from.listener();
        r.remoteAddress = from.remoteAddress();
        r.charset = from.charset();
        return r;
    }

    private CompletableFuture<InboundResult> store(MessageRecord r, String reason) {
        return this.store.store(r).orTimeout(storeTimeoutMillis, TimeUnit.MILLISECONDS).handle((outcome, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                throw cause instanceof StoreUnavailableException s ? s
                        : new StoreUnavailableException(cause instanceof TimeoutException
                                ? "message store did not answer in time" : "message store failed", cause);
            }
            MessageState state = outcome.duplicate() ? MessageState.DUPLICATE : r.state;
            counters.computeIfAbsent(r.transport + state, k -> Counter.builder("caravan.hl7.messages")
                    .description("HL7 v2 messages received and stored, by transport and outcome")
                    .tag("transport", r.transport).tag("outcome", state.name()).register(meters)).increment();
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} message {} type={} stored as {}", r.transport, r.uuid, r.messageType, state);
            }
            return new InboundResult(r.uuid, state, outcome.ack(),
                    outcome.duplicate() ? MessageState.DUPLICATE_TEXT : reason);
        });
    }

    private static InboundResult await(CompletableFuture<InboundResult> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof StoreUnavailableException s ? s
                    : new StoreUnavailableException("message store failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while storing", e);
        }
    }

}
