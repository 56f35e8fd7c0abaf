package health.caravan.examples;

/**
 * XML as escaped HTML with spans for comments, tags, attribute names and values (classes x-c, x-t,
 * x-a, x-v, x-p), for the example page. It never interprets the XML: malformed input is shown as is.
 */
public final class XmlHighlighter {

    private XmlHighlighter() {
    }

    public static String toHtml(String xml) {
        StringBuilder out = new StringBuilder(xml.length() * 2);
        int i = 0;
        int n = xml.length();
        while (i < n) {
            char c = xml.charAt(i);
            if (c != '<') {
                int next = xml.indexOf('<', i);
                int end = next < 0 ? n : next;
                escape(out, xml, i, end);
                i = end;
            } else if (xml.startsWith("<!--", i)) {
                int end = xml.indexOf("-->", i + 4);
                end = end < 0 ? n : end + 3;
                span(out, "x-c", xml, i, end);
                i = end;
            } else if (xml.startsWith("<?", i) || xml.startsWith("<!", i)) {
                int end = xml.indexOf('>', i);
                end = end < 0 ? n : end + 1;
                span(out, "x-p", xml, i, end);
                i = end;
            } else {
                i = tag(out, xml, i);
            }
        }
        return out.toString();
    }

    private static int tag(StringBuilder out, String xml, int start) {
        int n = xml.length();
        int i = start + 1;
        while (i < n && !Character.isWhitespace(xml.charAt(i)) && xml.charAt(i) != '>' && !xml.startsWith("/>", i)) {
            i++;
        }
        span(out, "x-t", xml, start, i);
        while (i < n && xml.charAt(i) != '>') {
            char c = xml.charAt(i);
            if (c == '"' || c == '\'') {
                int end = xml.indexOf(c, i + 1);
                end = end < 0 ? n : end + 1;
                span(out, "x-v", xml, i, end);
                i = end;
            } else if (Character.isWhitespace(c) || c == '=' || c == '/') {
                escape(out, xml, i, i + 1);
                i++;
            } else {
                int end = i;
                while (end < n && !Character.isWhitespace(xml.charAt(end)) && "=>/\"'".indexOf(xml.charAt(end)) < 0) {
                    end++;
                }
                span(out, "x-a", xml, i, end);
                i = end;
            }
        }
        if (i < n) {
            span(out, "x-t", xml, i, i + 1);
            i++;
        }
        return i;
    }

    private static void span(StringBuilder out, String css, String s, int from, int to) {
        out.append("<span class=\"").append(css).append("\">");
        escape(out, s, from, to);
        out.append("</span>");
    }

    static void escape(StringBuilder out, String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
    }
}
