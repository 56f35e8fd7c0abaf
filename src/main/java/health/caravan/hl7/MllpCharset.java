package health.caravan.hl7;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.apache.camel.component.hl7.HL7Charset;

/** Picks the character set of a received frame: MSH-18 when it names one camel-hl7 knows, else the configured default. */
public final class MllpCharset {

    private MllpCharset() {
    }

    public static Charset of(byte[] frame, Charset fallback) {
        return of(frame, 0, fallback);
    }

    /** Like {@link #of(byte[], Charset)} for the message starting at {@code offset} of the frame. */
    public static Charset of(byte[] frame, int offset, Charset fallback) {
        String msh18 = msh18(frame, offset);
        if (msh18 == null || msh18.isEmpty()) {
            return fallback;
        }
        HL7Charset known = HL7Charset.getHL7Charset(msh18);
        if (known == null) {
            return fallback;
        }
        try {
            return Charset.forName(known.getJavaCharsetName());
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /** MSH-18 (first repetition, first component) read from the frame's first segment as ASCII. */
    static String msh18(byte[] frame) {
        return msh18(frame, 0);
    }

    /** 3 when the frame starts with the UTF-8 byte-order mark (EF BB BF), else 0. */
    public static int utf8ByteOrderMarkLength(byte[] frame) {
        return frame.length >= 3 && (frame[0] & 0xff) == 0xEF && (frame[1] & 0xff) == 0xBB && (frame[2] & 0xff) == 0xBF ? 3 : 0;
    }

    static String msh18(byte[] frame, int offset) {
        int start = offset;
        while (start < frame.length && (frame[start] == '\r' || frame[start] == '\n' || frame[start] == ' ')) {
            start++;
        }
        if (frame.length - start < 8 || frame[start] != 'M' || frame[start + 1] != 'S' || frame[start + 2] != 'H') {
            return null;
        }
        byte fs = frame[start + 3];
        int field = 1;
        int valueStart = -1;
        for (int i = start + 3; i < frame.length; i++) {
            byte b = frame[i];
            if (b == '\r' || b == '\n') {
                break;
            }
            if (b == fs) {
                field++;
                if (field == 18) {
                    valueStart = i + 1;
                } else if (field == 19) {
                    return trim(frame, valueStart, i);
                }
            }
        }
        return valueStart < 0 ? null : trim(frame, valueStart, lineEnd(frame, valueStart));
    }

    private static int lineEnd(byte[] frame, int from) {
        int i = from;
        while (i < frame.length && frame[i] != '\r' && frame[i] != '\n') {
            i++;
        }
        return i;
    }

    private static String trim(byte[] frame, int from, int to) {
        String value = new String(frame, from, to - from, StandardCharsets.ISO_8859_1);
        int cut = value.length();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '^' || c == '~') {
                cut = i;
                break;
            }
        }
        return value.substring(0, cut).trim();
    }
}
