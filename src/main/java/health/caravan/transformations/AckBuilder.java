package health.caravan.transformations;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.Escape;

import health.caravan.hl7.Hl7Text;

/**
 * Builds the ACK as the Polaris contract lays it out (reference §6), with Caravan's deliberate fixes:
 * the ERR segment is terminated by CR (not glued on after {@code CR LF}) and its text is HL7-escaped;
 * MSH-7 carries its offset ({@code +0000}); the inbound MSH-18 (character set) is mirrored, since the
 * ACK is encoded as the inbound was; and NAKs to senders of HL7 2.1–2.4, whose ERR segment has only
 * ERR-1, also carry the reason in MSA-3 and an ERR-1 (segment^sequence^field^table 0357 code).
 *
 * <pre>
 * MSH|^~\&amp;|&lt;MSH-5&gt;|&lt;MSH-6&gt;|&lt;MSH-3&gt;|&lt;MSH-4&gt;|&lt;UTC yyyyMMddHHmmss+0000&gt;||ACK^&lt;trigger&gt;^ACK|&lt;20-char id&gt;|&lt;MSH-11&gt;|&lt;MSH-12&gt;[||||||&lt;MSH-18&gt;]&lt;CR&gt;
 * MSA|&lt;code&gt;|&lt;MSH-10&gt;[|&lt;reason&gt;  (AE/AR to 2.1–2.4)]&lt;CR&gt;
 * ERR|[&lt;seg&gt;^&lt;seq&gt;^&lt;field&gt;^&lt;0357 code&gt;&amp;&lt;text&gt;&amp;HL70357  (2.1–2.4)]||&lt;ERR-3&gt;|E||||&lt;reason&gt;&lt;CR&gt;   (AE/AR only)
 * </pre>
 *
 * ERR-3 is {@code Hl7ApplicationRejectException}/{@code Hl7ApplicationErrorException} (Polaris), or
 * with {@link ErrorCodes#HL70357} the table 0357 code, e.g. {@code 207^Application internal error^HL70357}.
 * ERR-3/ERR-8 stay in pre-2.5 ACKs too: a 2.1–2.4 receiver ignores fields its version does not define,
 * and consumers of the Polaris contract keep finding the reason in ERR-8.
 */
public final class AckBuilder {

    /** What ERR-3 carries: setting {@code caravan.ack.error-codes}. */
    public enum ErrorCodes {
        /** The Polaris contract's exception names (the default). */
        POLARIS,
        /** HL7 table 0357 codes. */
        HL70357;

        /** Reads the setting; empty means the default. */
        public static ErrorCodes parse(String value) {
            if (value == null || value.isBlank()) {
                return POLARIS;
            }
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("caravan.ack.error-codes (CARAVAN_ACK_ERROR_CODES) is '" + value
                        + "': set it to polaris (ERR-3 holds the Polaris exception names) or hl70357 (HL7 table 0357 codes)");
            }
        }
    }

    /** The versions whose ERR segment is ERR-1 "error code and location" alone (ERR-2.. came with 2.5). */
    private static final Set<String> ERR1_ONLY_VERSIONS = Set.of("2.1", "2.2", "2.3", "2.3.1", "2.4");
    private static final DateTimeFormatter MSH7 = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ");
    private static final DateTimeFormatter ID_PREFIX = DateTimeFormatter.ofPattern("yyDDDHHmmssSSSSSS");
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final Clock clock;
    private final String ownApplication;
    private final ErrorCodes errorCodes;

    public AckBuilder(Clock clock, String ownApplication) {
        this(clock, ownApplication, ErrorCodes.POLARIS);
    }

    public AckBuilder(Clock clock, String ownApplication, ErrorCodes errorCodes) {
        this.clock = clock;
        this.ownApplication = ownApplication;
        this.errorCodes = errorCodes;
    }

    /** The ACK for a parsed message. {@code reason} is required for AE/AR and ignored for AA. */
    public String ack(Hl7Text message, AckCode code, String reason) {
        return ack(message, new Verdict(code, reason));
    }

    /** The ACK for a parsed message and the verdict on it. */
    public String ack(Hl7Text message, Verdict verdict) {
        char fs = message.fieldSeparator();
        EncodingCharacters enc = message.hapiEncoding();
        String trigger = message.get("MSH", 9, 2);
        String version = message.get("MSH", 12);
        boolean err1Only = version != null && ERR1_ONLY_VERSIONS.contains(version.trim());
        boolean nak = verdict.code() != AckCode.AA;
        String reason = Escape.escape(verdict.reason() == null ? "" : verdict.reason(), enc);
        StringBuilder sb = new StringBuilder(200);
        sb.append("MSH").append(fs).append(message.encodingCharacters())
                .append(fs).append(message.rawField("MSH", 5))
                .append(fs).append(message.rawField("MSH", 6))
                .append(fs).append(message.rawField("MSH", 3))
                .append(fs).append(message.rawField("MSH", 4))
                .append(fs).append(now())
                .append(fs)
                .append(fs).append("ACK").append(enc.getComponentSeparator())
                .append(trigger == null ? "" : message.escape(trigger))
                .append(enc.getComponentSeparator()).append("ACK")
                .append(fs).append(controlId())
                .append(fs).append(message.rawField("MSH", 11))
                .append(fs).append(message.rawField("MSH", 12));
        String charset = message.rawField("MSH", 18);
        if (!charset.isEmpty()) {
            sb.append(String.valueOf(fs).repeat(6)).append(charset);
        }
        sb.append('\r');
        sb.append("MSA").append(fs).append(verdict.code().name()).append(fs).append(message.rawField("MSH", 10));
        if (nak && err1Only) {
            sb.append(fs).append(reason);
        }
        sb.append('\r');
        if (nak) {
            sb.append("ERR").append(fs);
            if (err1Only) {
                appendErr1(sb, verdict, enc);
            }
            appendErr3To8(sb, fs, verdict.code(), verdict.condition(), reason, enc);
        }
        return sb.toString();
    }

    /**
     * A reject for input that is not an HL7 message at all, so an MLLP sender still gets an answer it
     * can log: standard separators, Caravan as the sending application, MSA-2 empty.
     */
    public String rejectUnreadable(String reason) {
        EncodingCharacters enc = EncodingCharacters.defaultInstance();
        StringBuilder sb = new StringBuilder(160);
        sb.append("MSH|^~\\&|").append(ownApplication).append("|||").append('|').append(now())
                .append("||ACK|").append(controlId()).append("|P|2.5\r");
        sb.append("MSA|AR|\r");
        sb.append("ERR|");
        appendErr3To8(sb, '|', AckCode.AR, ErrorCondition.SEGMENT_SEQUENCE_ERROR,
                Escape.escape(reason == null ? "" : reason, enc), enc);
        return sb.toString();
    }

    /** ERR-1 (CM_ELD): segment ID ^ sequence ^ field position ^ code (CE, its parts as sub-components). */
    private static void appendErr1(StringBuilder sb, Verdict verdict, EncodingCharacters enc) {
        char cs = enc.getComponentSeparator();
        char ss = enc.getSubcomponentSeparator();
        if (verdict.segment() != null) {
            sb.append(verdict.segment());
            if (verdict.field() > 0) {
                sb.append(cs).append('1').append(cs).append(verdict.field());
            } else {
                sb.append(cs).append(cs);
            }
        } else {
            sb.append(cs).append(cs);
        }
        ErrorCondition c = condition(verdict.condition());
        sb.append(cs).append(c.code()).append(ss).append(c.text()).append(ss).append("HL70357");
    }

    /** From the separator after ERR-1 on: ERR-2 empty, ERR-3, ERR-4 {@code E}, ERR-5..7 empty, ERR-8 reason, CR. */
    private void appendErr3To8(StringBuilder sb, char fs, AckCode code, ErrorCondition condition, String escapedReason,
                               EncodingCharacters enc) {
        sb.append(fs).append(fs);
        if (errorCodes == ErrorCodes.HL70357) {
            ErrorCondition c = condition(condition);
            char cs = enc.getComponentSeparator();
            sb.append(c.code()).append(cs).append(c.text()).append(cs).append("HL70357");
        } else {
            sb.append(code.errorClass());
        }
        sb.append(fs).append('E').append(fs).append(fs).append(fs).append(fs).append(escapedReason).append('\r');
    }

    private static ErrorCondition condition(ErrorCondition c) {
        return c == null ? ErrorCondition.APPLICATION_INTERNAL_ERROR : c;
    }

    private String now() {
        return ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC).format(MSH7);
    }

    /** 20 characters: UTC {@code yyDDDHHmmss} + microseconds without its first character, then 4 distinct random characters. */
    private String controlId() {
        String prefix = ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC).format(ID_PREFIX).substring(1);
        StringBuilder sb = new StringBuilder(20).append(prefix);
        while (sb.length() < 20) {
            char c = ID_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ID_ALPHABET.length()));
            if (sb.indexOf(String.valueOf(c), prefix.length()) < 0) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
