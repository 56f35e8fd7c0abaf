package health.caravan.examples;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import freemarker.template.Configuration;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import health.caravan.web.QueryParameters;
import health.caravan.web.RequestPath;

/**
 * The C-CDA examples web site: server-rendered HTML (FreeMarker, auto-escaped) that needs no JavaScript.
 * Pages read the current library snapshot; file contents come from Git by blob id, so downloads never
 * touch a filesystem path built from the request.
 */
public final class ExamplesSite {

    /** Files larger than this are not shown inline on an example page (a note and the download link instead). */
    static final long MAX_INLINE_BYTES = 256 * 1024;
    /** Rendered example pages kept for the current library snapshot (one commit): at most this many ... */
    static final int CACHED_PAGES = 64;
    /** ... and at most this many characters in all. */
    static final long CACHED_CHARS = 32L * 1024 * 1024;

    private final ExamplesSync sync;
    private final Configuration templates;
    private final String webBase;
    /** Example path → rendered page, for {@link #cachedLibrary} only (a sync swaps the library: the cache starts again). */
    private final LinkedHashMap<String, String> pages = new LinkedHashMap<>(16, 0.75f, true);
    private ExampleLibrary cachedLibrary;
    private long cachedChars;

    public ExamplesSite(ExamplesSync sync, String configuredWebUrl) {
        this.sync = sync;
        this.webBase = ExampleViews.webBase(sync.settings().repoUrl(), configuredWebUrl);
        this.templates = new Configuration(Configuration.VERSION_2_3_33);
        templates.setClassLoaderForTemplateLoading(ExamplesSite.class.getClassLoader(), "examples-site");
        templates.setDefaultEncoding("UTF-8");
        templates.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        templates.setLogTemplateExceptions(false);
    }

    /** {@code GET /} and {@code GET /sections}: every section, Documents included. */
    public void home(Exchange exchange) {
        ExampleLibrary lib = sync.library();
        List<Map<String, Object>> sections = new ArrayList<>();
        for (ExampleLibrary.Section s : lib.sections()) {
            Map<String, Object> m = new HashMap<>();
            m.put("name", s.name());
            m.put("url", ExampleViews.sectionUrl(s.name()));
            String d = s.description() == null ? "" : s.description().replaceAll("(?m)^\\s*#+\\s*", "").replaceAll("\\s+", " ").trim();
            m.put("description", d.length() > 120 ? d.substring(0, 117) + "..." : d);
            m.put("count", s.examples().size());
            sections.add(m);
        }
        Map<String, Object> model = new HashMap<>();
        model.put("sections", sections);
        model.put("configured", sync.settings().configured());
        model.put("exampleCount", lib.examples().size());
        if (lib.commit() != null) {
            model.put("commit", lib.commit().substring(0, 10));
        }
        html(exchange, 200, "home.ftlh", model);
    }

    /** {@code GET /sections/{name}} */
    public void section(Exchange exchange) {
        List<String> parts = RequestPath.segments(exchange, "/sections");
        if (parts.isEmpty()) {
            home(exchange);
            return;
        }
        ExampleLibrary.Section s = parts.size() == 1 ? sync.library().section(parts.get(0)) : null;
        if (s == null) {
            message(exchange, 404, "Section not found", "There is no section with that name.", "/", "All sections");
            return;
        }
        Map<String, Object> model = new HashMap<>();
        model.put("name", s.name());
        model.put("description", s.description() == null ? "" : ReadmeRenderer.toHtml(s.description()));
        model.put("examples", rows(s.examples()));
        html(exchange, 200, "section.ftlh", model);
    }

    /** {@code GET /search?q=&approval=&certification=}: every word must match (case-insensitive). */
    public void search(Exchange exchange) {
        Map<String, String> q;
        try {
            q = QueryParameters.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class),
                    Set.of("q", "approval", "certification", "section"));
        } catch (health.caravan.web.ApiException e) {
            message(exchange, 400, "Bad search", e.getMessage() + ". The search takes q, approval, certification and section.",
                    "/search", "New search");
            return;
        }
        String approval = blankToNull(q.get("approval"));
        String certification = q.get("certification");
        List<Example> found = sync.library().search(q.get("q"), blankToNull(q.get("section")), approval,
                certification == null ? null : certification.equalsIgnoreCase("any") ? "" : certification);
        Map<String, Object> model = new HashMap<>();
        model.put("q", q.getOrDefault("q", ""));
        model.put("approval", approval == null ? "" : approval);
        model.put("certification", certification != null);
        model.put("examples", rows(found));
        html(exchange, 200, "search.ftlh", model);
    }

    /**
     * {@code GET /examples/view/{permalink}} and {@code GET /examples/view/{section}/[{group}/]{example}}.
     * A permalink whose example was deleted answers 410 with a link to its section.
     */
    public void view(Exchange exchange) throws IOException {
        List<String> parts = RequestPath.segments(exchange, "/examples/view");
        ExampleLibrary lib = sync.library();
        Example e = null;
        if (parts.size() == 1) {
            e = lib.byPermalink(parts.get(0));
            if (e == null && PermalinkIds.isId(PermalinkIds.normalise(parts.get(0)))) {
                PermalinkRegistry.Entry entry = sync.registry().find(parts.get(0));
                if (entry != null && entry.deleted() != null) {
                    message(exchange, 410, "Example removed", "The example this permalink pointed to was removed from the "
                            + "repository.", ExampleViews.sectionUrl(entry.section()), "See the " + entry.section() + " section");
                    return;
                }
                if (entry != null) {
                    e = lib.byPath(entry.path());
                }
            }
        } else if (parts.size() >= 2) {
            e = lib.byPath(String.join("/", parts));
        }
        if (e == null) {
            message(exchange, 404, "Example not found", "No example has that permalink or path.", "/", "All sections");
            return;
        }
        String page = cachedPage(lib, e.path());
        if (page == null) {
            page = render("example.ftlh", exampleModel(e));
            cache(lib, e.path(), page);
        }
        respond(exchange, 200, page);
    }

    private synchronized String cachedPage(ExampleLibrary lib, String path) {
        return lib == cachedLibrary ? pages.get(path) : null;
    }

    private synchronized void cache(ExampleLibrary lib, String path, String page) {
        if (lib != cachedLibrary) {
            pages.clear();
            cachedChars = 0;
            cachedLibrary = lib;
        }
        if (page.length() > CACHED_CHARS / 4) {
            return;
        }
        String old = pages.put(path, page);
        cachedChars += page.length() - (old == null ? 0 : old.length());
        for (var eldest = pages.entrySet().iterator(); eldest.hasNext() && (pages.size() > CACHED_PAGES || cachedChars > CACHED_CHARS); ) {
            cachedChars -= eldest.next().getValue().length();
            eldest.remove();
        }
    }

    /** {@code GET /examples/download/{example path}/{file}}: the file as an attachment with an RFC 6266 filename. */
    public void download(Exchange exchange) throws IOException {
        List<String> parts = RequestPath.segments(exchange, "/examples/download");
        Example e = parts.size() >= 3 ? sync.library().byPath(String.join("/", parts.subList(0, parts.size() - 1))) : null;
        ExampleFile file = null;
        if (e != null) {
            String name = parts.get(parts.size() - 1);
            file = e.files().stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
        }
        if (file == null) {
            message(exchange, 404, "File not found", "No example file has that path.", "/", "All sections");
            return;
        }
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, file.contentType());
        m.setHeader("Content-Disposition", contentDisposition(file.name()));
        m.setHeader("X-Content-Type-Options", "nosniff");
        m.setBody(sync.read(file));
    }

    /** {@code GET /sync}: the repository (never with credentials), the commit shown and the last runs. */
    public void syncPage(Exchange exchange) throws Exception {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (Map<String, Object> r : sync.runs(20)) {
            Map<String, Object> m = new HashMap<>();
            m.put("started", String.valueOf(r.get("started")));
            m.put("trigger", String.valueOf(r.get("trigger")));
            m.put("outcome", String.valueOf(r.get("outcome")));
            Object commit = r.get("commit");
            m.put("commit", commit == null ? "" : commit.toString().substring(0, Math.min(10, commit.toString().length())));
            m.put("examples", r.get("examples") == null ? "" : r.get("examples").toString());
            m.put("duration", r.get("duration_ms") == null ? "" : r.get("duration_ms") + " ms");
            runs.add(m);
        }
        Map<String, Object> model = new HashMap<>();
        model.put("repo", sync.settings().configured() ? sync.displayUrl() : "(not configured)");
        model.put("branch", sync.settings().branch());
        if (sync.library().commit() != null) {
            model.put("commit", sync.library().commit().substring(0, 10));
        }
        model.put("runs", runs);
        html(exchange, 200, "sync.ftlh", model);
    }

    /** RFC 6266: an ASCII fallback filename plus the exact name in RFC 5987 encoding. */
    static String contentDisposition(String name) {
        String ascii = name.replaceAll("[^\\x20-\\x7e]", "_").replace("\\", "_").replace("\"", "_");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + ExampleViews.segment(name);
    }

    private Map<String, Object> exampleModel(Example e) throws IOException {
        ExampleMetadata md = e.metadata();
        Map<String, Object> model = new HashMap<>();
        model.put("name", e.name());
        model.put("section", e.section());
        model.put("sectionUrl", ExampleViews.sectionUrl(e.section()));
        model.put("status", ExampleViews.status(md));
        model.put("certification", md.certification() == null ? "" : md.certification());
        if (e.permalinkId() != null) {
            model.put("permalink", e.permalinkId());
            model.put("permalinkUrl", "/examples/view/" + ExampleViews.segment(e.permalinkId()));
        }
        List<String> approvals = new ArrayList<>();
        md.approvals().forEach(a -> approvals.add((a.label().isEmpty() ? "" : a.label() + ": ") + a.value()
                + (a.label().isEmpty() || a.validDate() || !a.value().matches(".*\\d.*") ? "" : " (date not in M/D/YYYY form)")));
        model.put("approvals", approvals);
        List<String> templateLines = new ArrayList<>();
        md.templates().forEach(t -> templateLines.add((t.name().isEmpty() ? "" : t.name() + " ") + t.oid()
                + (t.version() == null ? "" : ":" + t.version())));
        model.put("templates", templateLines);
        model.put("fullSample", nz(md.fullSample()));
        model.put("validation", nz(md.validation()).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1"));
        String vurl = md.validationUrl();
        model.put("validationUrl", vurl != null && vurl.matches("(?i)https?://.*") ? vurl : "");
        model.put("custodian", nz(md.custodian()));
        model.put("keywords", String.join(", ", md.keywords()));
        model.put("warnings", e.warnings());
        model.put("readme", ReadmeRenderer.toHtml(e.readme()));
        List<Map<String, Object>> files = new ArrayList<>();
        for (ExampleFile f : e.files()) {
            Map<String, Object> m = new HashMap<>();
            m.put("name", f.name());
            m.put("kind", f.kind());
            m.put("size", f.size());
            m.put("download", ExampleViews.downloadUrl(e, f));
            String web = ExampleViews.webUrl(webBase, sync.settings().branch(), e, f);
            if (web != null) {
                m.put("web", web);
            }
            if ((f.kind().equals("xml") || f.kind().equals("html")) && f.size() > MAX_INLINE_BYTES) {
                m.put("tooLarge", (MAX_INLINE_BYTES / 1024) + " KB");
            } else if (f.kind().equals("xml") || f.kind().equals("html") || f.kind().equals("url")) {
                String text = new String(sync.read(f), StandardCharsets.UTF_8);
                if (f.kind().equals("xml")) {
                    m.put("body", XmlHighlighter.toHtml(text));
                } else if (f.kind().equals("html")) {
                    m.put("body", text);
                } else {
                    java.util.regex.Matcher url = java.util.regex.Pattern.compile("(?im)^\\s*URL\\s*=\\s*(https?://\\S+)\\s*$").matcher(text);
                    if (url.find()) {
                        m.put("link", url.group(1));
                    }
                }
            }
            files.add(m);
        }
        model.put("files", files);
        return model;
    }

    private static List<Map<String, Object>> rows(List<Example> examples) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Example e : examples) {
            Map<String, Object> m = new HashMap<>();
            m.put("label", e.group().isEmpty() ? e.name() : e.group() + " / " + e.name());
            m.put("url", ExampleViews.viewUrl(e));
            m.put("section", e.section());
            m.put("sectionUrl", ExampleViews.sectionUrl(e.section()));
            m.put("status", ExampleViews.status(e.metadata()));
            m.put("keywords", String.join(", ", e.metadata().keywords()));
            m.put("comment", ExampleViews.commentPreview(e.metadata()));
            rows.add(m);
        }
        return rows;
    }

    private void message(Exchange exchange, int status, String title, String message, String link, String linkText) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", title);
        model.put("message", message);
        model.put("link", link);
        model.put("linkText", linkText);
        html(exchange, status, "message.ftlh", model);
    }

    private void html(Exchange exchange, int status, String template, Map<String, Object> model) {
        respond(exchange, status, render(template, model));
    }

    private String render(String template, Map<String, Object> model) {
        StringWriter out = new StringWriter();
        try {
            templates.getTemplate(template).process(model, out);
        } catch (IOException | TemplateException e) {
            throw new IllegalStateException("Cannot render " + template, e);
        }
        return out.toString();
    }

    private static void respond(Exchange exchange, int status, String page) {
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        m.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'");
        m.setBody(page);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
