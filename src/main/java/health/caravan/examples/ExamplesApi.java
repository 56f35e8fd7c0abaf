package health.caravan.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;

import health.caravan.security.Caller;
import health.caravan.web.ApiException;
import health.caravan.web.QueryParameters;
import health.caravan.security.RequireToken;
import health.caravan.web.HttpResponses;

/** The examples JSON API: list/filter, one example by permalink, sections, sync runs and the manual sync trigger. */
public final class ExamplesApi {

    private final ExamplesSync sync;
    private final String webBase;

    public ExamplesApi(ExamplesSync sync, String configuredWebUrl) {
        this.sync = sync;
        this.webBase = ExampleViews.webBase(sync.settings().repoUrl(), configuredWebUrl);
    }

    /** {@code GET /caravan/v1/examples?q=&section=&approval=&certification=&limit=&offset=} */
    public void list(Exchange exchange) {
        Map<String, String> q = QueryParameters.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class),
                Set.of("q", "section", "approval", "certification", "limit", "offset"));
        String approval = q.get("approval");
        if (approval != null && !Set.of("approved", "pending", "withdrawn", "not-reviewed", "unsupported", "unknown", "other").contains(approval)) {
            throw new ApiException(400, "'approval' must be approved, pending, withdrawn, not-reviewed, unsupported, unknown or other");
        }
        int limit = integer(q.get("limit"), 100, 1, 1000, "limit");
        int offset = integer(q.get("offset"), 0, 0, Integer.MAX_VALUE, "offset");
        String certification = q.get("certification");
        List<Example> found = sync.library().search(q.get("q"), q.get("section"), approval,
                certification == null ? null : certification.equalsIgnoreCase("any") ? "" : certification);
        List<Map<String, Object>> items = new ArrayList<>();
        for (Example e : found.subList(Math.min(offset, found.size()), Math.min(found.size(), offset + limit))) {
            items.add(json(e));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", found.size());
        body.put("offset", offset);
        body.put("limit", limit);
        body.put("commit", sync.library().commit());
        body.put("examples", items);
        HttpResponses.json(exchange, 200, body);
    }

    /** {@code GET /caravan/v1/examples/{permalink_id}}: 404 unknown, 410 deleted (with the section). */
    public void get(Exchange exchange) {
        String id = exchange.getMessage().getHeader("permalink_id", String.class);
        Example e = sync.library().byPermalink(id);
        if (e == null) {
            PermalinkRegistry.Entry entry = sync.registry().find(id);
            if (entry != null && entry.deleted() != null) {
                HttpResponses.json(exchange, 410, Map.of("message", "The example of this permalink was removed",
                        "section", entry.section(), "section_url", ExampleViews.sectionUrl(entry.section())));
                return;
            }
            throw new ApiException(404, "No example has this permalink");
        }
        HttpResponses.json(exchange, 200, json(e));
    }

    /** {@code GET /caravan/v1/example-sections} */
    public void sections(Exchange exchange) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ExampleLibrary.Section s : sync.library().sections()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("description", s.description());
            m.put("examples", s.examples().size());
            m.put("html_url", ExampleViews.sectionUrl(s.name()));
            out.add(m);
        }
        HttpResponses.json(exchange, 200, out);
    }

    /** {@code GET /caravan/v1/example-syncs}: the last 50 runs with counts and warnings. */
    public void runs(Exchange exchange) throws Exception {
        HttpResponses.json(exchange, 200, sync.runs(50));
    }

    /** {@code POST /caravan/v1/example-syncs}: 202 started or queued behind the running sync; 501 when not configured. */
    public void trigger(Exchange exchange) {
        Caller caller = RequireToken.caller(exchange);
        String outcome = sync.request("manual");
        if (outcome.equals("disabled")) {
            throw new ApiException(501, "No examples repository is configured (CARAVAN_EXAMPLES_REPO_URL)");
        }
        HttpResponses.json(exchange, 202, Map.of("sync", outcome, "requested_by", caller == null ? "unknown" : caller.systemId()));
    }

    private Map<String, Object> json(Example e) {
        return ExampleViews.json(e, webBase, sync.settings().branch(), sync.settings().permalinkBase());
    }

    private static int integer(String value, int dflt, int min, int max, String name) {
        if (value == null) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(value);
            if (v < min || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ApiException(400, "'" + name + "' must be an integer from " + min + " to " + max);
        }
    }
}
