package health.caravan.examples;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Permalink ids as the library has used them: 40-hex git blob hashes (2017), 24-hex MongoDB ObjectIds
 * (2017-2018) and UUIDs (2018 on). New ids are random UUIDs. The canonical README form is a markdown link
 * whose text and target are both the permalink URL.
 */
public final class PermalinkIds {

    private static final Pattern ID = Pattern.compile(
            "(?i)(?<![0-9a-f-])([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{40}|[0-9a-f]{24})(?![0-9a-f-])");
    private static final Pattern VIEW = Pattern.compile("/examples/view/\\*?([^)\\]\\s/]+)");
    private static final Pattern PERMALINK_HEADING = Pattern.compile("(?im)^[ \\t]{0,3}#{1,6}\\s*permalink\\b.*$");

    private PermalinkIds() {
    }

    /** Whether {@code s} is, by itself, a permalink id in one of the three formats. */
    public static boolean isId(String s) {
        return s != null && ID.matcher(s).matches();
    }

    /** The id in a README Permalink value (link form, bare URL or bare id), lower-cased; null if none. */
    public static String fromReadmeValue(String value) {
        if (value == null) {
            return null;
        }
        Matcher view = VIEW.matcher(value);
        String candidate = (view.find() ? view.group(1) : value.trim()).replaceFirst("^\\*+", "");
        return isId(candidate) ? candidate.toLowerCase(Locale.ROOT) : null;
    }

    /** Normalises an id taken from a URL: a stray leading '*' removed, lower case. */
    public static String normalise(String id) {
        return id == null ? null : id.trim().replaceFirst("^\\*+", "").toLowerCase(Locale.ROOT);
    }

    /** TBD, ???, a lone bullet: a Permalink heading with nothing usable under it. */
    public static boolean isPlaceholder(String value) {
        String v = value.trim().replace("*", "").trim();
        return v.isEmpty() || v.matches("(?i)tbd|\\?+|n/?a|none|-+");
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /**
     * The README with {@code id} as its permalink: the contents of an existing (placeholder) Permalink
     * section are replaced, otherwise a {@code ### Permalink} section is added (before a Links section
     * when there is one). Never adds a second Permalink heading.
     */
    public static String withPermalink(String readme, String id, String base) {
        String url = base + id;
        String section = "### Permalink\n\n* [" + url + "](" + url + ")\n";
        String text = readme.replace("\r\n", "\n");
        Matcher heading = PERMALINK_HEADING.matcher(text);
        if (heading.find()) {
            int bodyEnd = nextHeading(text, heading.end());
            String rest = text.substring(bodyEnd);
            return text.substring(0, heading.start()) + section + (rest.isEmpty() ? "" : "\n" + rest);
        }
        Matcher links = Pattern.compile("(?im)^[ \\t]{0,3}#{1,6}\\s*links\\b.*$").matcher(text);
        if (links.find()) {
            return text.substring(0, links.start()) + section + "\n" + text.substring(links.start());
        }
        String trimmed = text.replaceAll("\\s+$", "");
        return trimmed + "\n\n" + section;
    }

    private static int nextHeading(String text, int from) {
        Matcher next = Pattern.compile("(?m)^[ \\t]{0,3}#{1,6}").matcher(text);
        return next.find(from) ? next.start() : text.length();
    }
}
