package health.caravan.support;

/** Reads fields of an ACK text (segments split on CR). */
public record Ack(String text) {

    public String segment(String name) {
        for (String s : text.split("\r")) {
            if (s.startsWith(name + "|")) {
                return s;
            }
        }
        return null;
    }

    public String field(String segment, int n) {
        String s = segment(segment);
        if (s == null) {
            return null;
        }
        String[] f = s.split("\\|", -1);
        int index = "MSH".equals(segment) ? n - 1 : n;
        return index < f.length ? f[index] : "";
    }

    public String code() {
        return field("MSA", 1);
    }

    public String errText() {
        return segment("ERR") == null ? null : field("ERR", 8);
    }
}
