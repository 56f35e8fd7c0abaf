package health.caravan.hl7;

import java.util.concurrent.ThreadLocalRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.Escape;

import health.caravan.transformations.AckCode;

/**
 * Builds the ACK exactly as the Polaris contract lays it out (reference §6), with Caravan's two
 * deliberate fixes: the ERR segment is terminated by CR (not glued on after {@code CR LF}) and its
 * ERR-8 text is HL7-escaped.
 *
 * <pre>
 * MSH|^~\&amp;|&lt;MSH-5&gt;|&lt;MSH-6&gt;|&lt;MSH-3&gt;|&lt;MSH-4&gt;|&lt;UTC yyyyMMddHHmmss&gt;||ACK^&lt;trigger&gt;^ACK|&lt;20-char id&gt;|&lt;MSH-11&gt;|&lt;MSH-12&gt;&lt;CR&gt;
 * MSA|&lt;code&gt;|&lt;MSH-10&gt;&lt;CR&gt;
 * ERR|||&lt;Hl7ApplicationRejectException|Hl7ApplicationErrorException&gt;|E||||&lt;reason&gt;&lt;CR&gt;   (AE/AR only)
 * </pre>
 */
public final class AckBuilder {

    private static final DateTimeFormatter MSH7 = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final DateTimeFormatter ID_PREFIX = DateTimeFormatter.ofPattern("yyDDDHHmmssSSSSSS");
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final Clock clock;
    private final String ownApplication;

    public AckBuilder(Clock clock, String ownApplication) {
        this.clock = clock;
        this.ownApplication = ownApplication;
    }

    /** The ACK for a parsed message. {@code reason} is required for AE/AR and ignored for AA. */
    public String ack(Hl7Text message, AckCode code, String reason) {
        char fs = message.fieldSeparator();
        String trigger = message.get("MSH", 9, 2);
        StringBuilder sb = new StringBuilder(160);
        sb.append("MSH").append(fs).append(message.encodingCharacters())
                .append(fs).append(message.rawField("MSH", 5))
                .append(fs).append(message.rawField("MSH", 6))
                .append(fs).append(message.rawField("MSH", 3))
                .append(fs).append(message.rawField("MSH", 4))
                .append(fs).append(now())
                .append(fs)
                .append(fs).append("ACK").append(message.hapiEncoding().getComponentSeparator())
                .append(trigger == null ? "" : message.escape(trigger))
                .append(message.hapiEncoding().getComponentSeparator()).append("ACK")
                .append(fs).append(controlId())
                .append(fs).append(message.rawField("MSH", 11))
                .append(fs).append(message.rawField("MSH", 12))
                .append('\r');
        sb.append("MSA").append(fs).append(code.name()).append(fs).append(message.rawField("MSH", 10)).append('\r');
        appendErr(sb, fs, code, reason, message.hapiEncoding());
        return sb.toString();
    }

    /**
     * A reject for input that is not an HL7 message at all, so an MLLP sender still gets an answer it
     * can log: standard separators, Caravan as the sending application, MSA-2 empty.
     */
    public String rejectUnreadable(String reason) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("MSH|^~\\&|").append(ownApplication).append("|||").append('|').append(now())
                .append("||ACK|").append(controlId()).append("|P|2.5\r");
        sb.append("MSA|AR|\r");
        appendErr(sb, '|', AckCode.AR, reason, EncodingCharacters.defaultInstance());
        return sb.toString();
    }

    private static void appendErr(StringBuilder sb, char fs, AckCode code, String reason, EncodingCharacters enc) {
        if (code == AckCode.AA) {
            return;
        }
        sb.append("ERR").append(fs).append(fs).append(fs).append(code.errorClass())
                .append(fs).append('E').append(fs).append(fs).append(fs).append(fs)
                .append(Escape.escape(reason == null ? "" : reason, enc)).append('\r');
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
