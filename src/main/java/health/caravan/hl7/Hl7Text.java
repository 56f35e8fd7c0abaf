package health.caravan.hl7;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.Escape;

/**
 * Read-only field accessor over an HL7 v2 message in its ER7 (pipe) encoding.
 *
 * <p>It reproduces the access rules of the Polaris contract (reference §5.2, python-hl7 0.4.1
 * semantics) exactly: the first occurrence of a segment, separators from MSH-1/MSH-2, the HL7
 * null {@code ""} read as absent, a field beyond the end of its segment read as {@code ""}, and
 * values unescaped with HAPI's {@link Escape}. HAPI's full parser is not used on this hot path
 * because its structure-aware parsing does not follow those rules (and costs more than the whole
 * store-and-acknowledge path).
 */
public final class Hl7Text {

    private final String text;
    private final char fieldSeparator;
    private final String encodingCharacters;
    private final char componentSeparator;
    private final char repetitionSeparator;
    private final char escapeCharacter;
    private final char subcomponentSeparator;
    private final EncodingCharacters hapiEncoding;
    private final Map<String, String[]> firstSegments = new HashMap<>();
    private final List<String> segmentNames = new ArrayList<>();

    private Hl7Text(String text) {
        this.text = text;
        this.fieldSeparator = text.charAt(3);
        int end = text.indexOf(fieldSeparator, 4);
        int crEnd = text.indexOf('\r');
        if (end < 0 || (crEnd >= 0 && crEnd < end)) {
            end = crEnd < 0 ? text.length() : crEnd;
        }
        this.encodingCharacters = text.substring(4, end);
        this.componentSeparator = charOr(encodingCharacters, 0, '^');
        this.repetitionSeparator = charOr(encodingCharacters, 1, '~');
        this.escapeCharacter = charOr(encodingCharacters, 2, '\\');
        this.subcomponentSeparator = charOr(encodingCharacters, 3, '&');
        this.hapiEncoding = new EncodingCharacters(fieldSeparator, componentSeparator, repetitionSeparator,
                escapeCharacter, subcomponentSeparator);
        for (String segment : text.split("\r")) {
            if (segment.length() < 3) {
                continue;
            }
            String name = segment.length() > 3 ? segment.substring(0, 3) : segment;
            segmentNames.add(name);
            if (!firstSegments.containsKey(name)) {
                firstSegments.put(name, splitSegment(name, segment));
            }
        }
    }

    private static char charOr(String s, int index, char fallback) {
        return s.length() > index ? s.charAt(index) : fallback;
    }

    /**
     * Parses message text: CR, LF and CRLF segment terminators are accepted, surrounding whitespace
     * ignored.
     *
     * @throws NotHl7Exception when the text does not start with an MSH segment
     */
    public static Hl7Text parse(String raw) throws NotHl7Exception {
        if (raw == null) {
            throw new NotHl7Exception("the message is empty");
        }
        String normalised = raw.replace("\r\n", "\r").replace('\n', '\r').strip();
        if (!normalised.startsWith("MSH") || normalised.length() < 8) {
            throw new NotHl7Exception("the message does not start with an MSH segment");
        }
        char sep = normalised.charAt(3);
        if (Character.isLetterOrDigit(sep) || Character.isWhitespace(sep)) {
            throw new NotHl7Exception("MSH-1 field separator is not valid");
        }
        return new Hl7Text(normalised);
    }

    private String[] splitSegment(String name, String segment) {
        List<String> fields = new ArrayList<>(40);
        int start = 0;
        for (int i = 0; i <= segment.length(); i++) {
            if (i == segment.length() || segment.charAt(i) == fieldSeparator) {
                fields.add(segment.substring(start, i));
                start = i + 1;
            }
        }
        if ("MSH".equals(name) || "FHS".equals(name) || "BHS".equals(name)) {
            // MSH-1 is the field separator itself: shift so that index n is MSH-n
            fields.add(1, String.valueOf(fieldSeparator));
        }
        return fields.toArray(new String[0]);
    }

    public String text() {
        return text;
    }

    public char fieldSeparator() {
        return fieldSeparator;
    }

    /** MSH-2 exactly as received (it may be longer than the four standard characters). */
    public String encodingCharacters() {
        return encodingCharacters;
    }

    public EncodingCharacters hapiEncoding() {
        return hapiEncoding;
    }

    public boolean hasSegment(String name) {
        return firstSegments.containsKey(name);
    }

    public List<String> segmentNames() {
        return segmentNames;
    }

    /** The whole field as received (not unescaped), {@code ""} when beyond the end, null when the segment is absent. */
    public String rawField(String segment, int field) {
        String[] fields = firstSegments.get(segment);
        if (fields == null) {
            return null;
        }
        return field < fields.length ? fields[field] : "";
    }

    /** {@code SEG-field.1}: the first leaf of the field. */
    public String get(String segment, int field) {
        return get(segment, field, 1, 1);
    }

    /** {@code SEG-field.component} of the first repetition. */
    public String get(String segment, int field, int component) {
        return get(segment, field, 1, component);
    }

    /**
     * {@code SEG-field(repetition).component}, unescaped; null for absent or the HL7 null {@code ""}.
     * A component holding sub-components yields its first sub-component.
     */
    public String get(String segment, int field, int repetition, int component) {
        String value = leaf(segment, field, repetition, component);
        if (value == null || "\"\"".equals(value)) {
            return null;
        }
        return unescape(value);
    }

    /** Like {@link #get} but keeps the HL7 null {@code ""} as the two-character string and does not unescape. */
    public String getRaw(String segment, int field, int repetition, int component) {
        return leaf(segment, field, repetition, component);
    }

    /** Number of repetitions of a field (0 when the segment is absent or the field empty and beyond the end). */
    public int repetitions(String segment, int field) {
        String raw = rawField(segment, field);
        if (raw == null) {
            return 0;
        }
        if (!containsAny(raw, repetitionSeparator, componentSeparator, subcomponentSeparator)) {
            return 1;
        }
        int count = 1;
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) == repetitionSeparator) {
                count++;
            }
        }
        return count;
    }

    private String leaf(String segment, int field, int repetition, int component) {
        String[] fields = firstSegments.get(segment);
        if (fields == null) {
            return null;
        }
        if (field >= fields.length) {
            return repetition == 1 && component == 1 ? "" : null;
        }
        String raw = fields[field];
        if ("MSH".equals(segment) && field <= 2) {
            return repetition == 1 && component == 1 ? raw : null;
        }
        if (!containsAny(raw, repetitionSeparator, componentSeparator, subcomponentSeparator)) {
            // a leaf: only the first repetition's first component exists
            return repetition == 1 && component == 1 ? raw : null;
        }
        // scan to the repetition, then to the component, without splitting the whole field
        int repStart = 0;
        int repEnd = indexOf(raw, repetitionSeparator, 0, raw.length());
        for (int r = 1; r < repetition; r++) {
            if (repEnd < 0) {
                return null;
            }
            repStart = repEnd + 1;
            repEnd = indexOf(raw, repetitionSeparator, repStart, raw.length());
        }
        if (repEnd < 0) {
            repEnd = raw.length();
        }
        int compStart = repStart;
        int compEnd = indexOf(raw, componentSeparator, compStart, repEnd);
        for (int c = 1; c < component; c++) {
            if (compEnd < 0) {
                return "";
            }
            compStart = compEnd + 1;
            compEnd = indexOf(raw, componentSeparator, compStart, repEnd);
        }
        if (compEnd < 0) {
            compEnd = repEnd;
        }
        int sub = indexOf(raw, subcomponentSeparator, compStart, compEnd);
        return raw.substring(compStart, sub < 0 ? compEnd : sub);
    }

    private static int indexOf(String s, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean containsAny(String s, char a, char b, char c) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == a || ch == b || ch == c) {
                return true;
            }
        }
        return false;
    }

    private String unescape(String value) {
        if (value.indexOf(escapeCharacter) < 0) {
            return value;
        }
        return Escape.unescape(value, hapiEncoding);
    }

    /** Escapes text for this message's separators (HAPI's {@link Escape}). */
    public String escape(String value) {
        return Escape.escape(value, hapiEncoding);
    }
}
