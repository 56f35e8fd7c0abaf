package health.caravan.examples;

import java.util.List;

import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.owasp.html.PolicyFactory;
import org.owasp.html.Sanitizers;

/**
 * README markdown → HTML that is safe to put in a page: CommonMark (with GitHub tables), raw HTML in
 * the markdown escaped, and the result passed through the OWASP sanitizer (formatting, blocks, tables,
 * links and images only; links get rel=nofollow).
 */
public final class ReadmeRenderer {

    private static final List<org.commonmark.Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true)
            .sanitizeUrls(true).build();
    private static final PolicyFactory POLICY = Sanitizers.FORMATTING.and(Sanitizers.BLOCKS).and(Sanitizers.TABLES)
            .and(Sanitizers.LINKS).and(Sanitizers.IMAGES);

    private ReadmeRenderer() {
    }

    /** Headings written without a space after the hashes ("###Keywords") are read as headings, as GitHub now does not. */
    public static String toHtml(String markdown) {
        String text = markdown == null ? "" : markdown.replaceAll("(?m)^(\\s{0,3}#{1,6})([^#\\s])", "$1 $2");
        return POLICY.sanitize(RENDERER.render(PARSER.parse(text)));
    }

    /** A markdown fragment (a comment line) as sanitised inline HTML. */
    public static String inline(String markdown) {
        String html = toHtml(markdown).trim();
        if (html.startsWith("<p>") && html.endsWith("</p>") && html.indexOf("<p>", 1) < 0) {
            html = html.substring(3, html.length() - 4);
        }
        return html;
    }
}
