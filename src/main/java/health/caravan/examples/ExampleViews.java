package health.caravan.examples;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/** How examples appear in pages and in the JSON API: URLs (every path segment percent-encoded) and flat maps. */
final class ExampleViews {

    private ExampleViews() {
    }

    /** RFC 3986 percent-encoding of one path segment: everything but unreserved characters. */
    static String segment(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    static String path(String repoPath) {
        List<String> parts = new ArrayList<>();
        for (String p : repoPath.split("/")) {
            parts.add(segment(p));
        }
        return String.join("/", parts);
    }

    static String viewUrl(Example e) {
        return e.permalinkId() != null ? "/examples/view/" + segment(e.permalinkId()) : "/examples/view/" + path(e.path());
    }

    static String sectionUrl(String section) {
        return "/sections/" + segment(section);
    }

    static String downloadUrl(Example e, ExampleFile f) {
        return "/examples/download/" + path(e.path()) + "/" + segment(f.name());
    }

    /** "view on GitHub" (or another forge's web view), or null when the repository has no web URL. */
    static String webUrl(String webBase, String branch, Example e, ExampleFile f) {
        return webBase == null ? null : webBase + "/blob/" + segment(branch) + "/" + path(e.path()) + "/" + segment(f.name());
    }

    /** The forge web URL of a repository URL: https://github.com/Org/Repo(.git) → https://github.com/Org/Repo. */
    static String webBase(String repoUrl, String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.replaceAll("/+$", "");
        }
        if (repoUrl == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^https://(?:[^@/]+@)?(github\\.com/[^/]+/[^/]+?)(?:\\.git)?/?$")
                .matcher(repoUrl.trim());
        return m.matches() ? "https://" + m.group(1) : null;
    }

    /** Status text shown in tables. */
    static String status(ExampleMetadata m) {
        return m.approvalStatus() != null ? m.approvalStatus() : m.guideExample() ? "IG figure (not reviewed)" : "";
    }

    /** The first comment as plain text, shortened: for section tables. */
    static String commentPreview(ExampleMetadata m) {
        if (m.comments().isEmpty()) {
            return "";
        }
        String plain = m.comments().get(0).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("[*_`]", "").trim();
        return plain.length() > 160 ? plain.substring(0, 157) + "..." : plain;
    }

    /** The JSON API's representation of an example. */
    static Map<String, Object> json(Example e, String webBase, String branch, String permalinkBase) {
        ExampleMetadata m = e.metadata();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("permalink_id", e.permalinkId());
        out.put("permalink", e.permalinkId() == null ? null : permalinkBase + e.permalinkId());
        out.put("permalink_in_readme", e.permalinkInReadme());
        out.put("section", e.section());
        out.put("name", e.name());
        out.put("path", e.path());
        out.put("approval_status", m.approvalStatus());
        out.put("approval", m.approvalKey());
        List<Map<String, Object>> approvals = new ArrayList<>();
        m.approvals().forEach(a -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("label", a.label());
            x.put("value", a.value());
            x.put("valid_date", a.validDate());
            approvals.add(x);
        });
        out.put("approvals", approvals);
        List<Map<String, Object>> templates = new ArrayList<>();
        m.templates().forEach(t -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", t.name());
            x.put("oid", t.oid());
            x.put("version", t.version());
            templates.add(x);
        });
        out.put("templates", templates);
        out.put("guide_example", m.guideExample());
        out.put("full_sample", m.fullSample());
        out.put("validation", m.validation());
        out.put("validation_url", m.validationUrl());
        out.put("comments", m.comments());
        out.put("certification", m.certification());
        out.put("custodian", m.custodian());
        out.put("keywords", m.keywords());
        List<Map<String, Object>> files = new ArrayList<>();
        for (ExampleFile f : e.files()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", f.name());
            x.put("kind", f.kind());
            x.put("size", f.size());
            x.put("download_url", downloadUrl(e, f));
            x.put("web_url", webUrl(webBase, branch, e, f));
            files.add(x);
        }
        out.put("files", files);
        out.put("html_url", viewUrl(e));
        out.put("warnings", e.warnings());
        return out;
    }
}
