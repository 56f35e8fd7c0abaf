package health.caravan.fhir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import health.caravan.security.Caller;
import health.caravan.security.JwtAuthenticator;
import health.caravan.store.MessageStore;
import health.caravan.store.StoreUnavailableException;
import health.caravan.web.RequestPath;
import health.caravan.security.RequireToken;

/**
 * The read side of Caravan's FHIR store under {@code /fhir}: read ({@code GET /fhir/Patient/{id}}), vread
 * ({@code /_history/{vid}}), instance history ({@code _count}, {@code _since}) and search
 * ({@code GET /fhir/Patient?family=...}, also {@code GET} or form {@code POST} on {@code /_search}) for Patient,
 * Encounter and Location; JSON or XML; searchset Bundles paged with {@code _count}/{@code _offset} (links keep
 * every other parameter), {@code _sort}, {@code _summary=count}, {@code _elements}, {@code _include} and
 * {@code _revinclude}; every error an OperationOutcome (a 405 with {@code Allow}, also for a wrong method on
 * {@code /fhir/metadata} and {@code /fhir/$convert-ccda}, whose routes let other methods fall through to here). Bearer JWT with SMART system scopes
 * ({@code system/*.read}, {@code system/Patient.read}, or v2 {@code .rs}); reads and searches are audited
 * (resource ids and counts, never search values).
 */
public final class FhirReadApi {

    private static final Logger LOG = LoggerFactory.getLogger(FhirReadApi.class);
    /** RFC 7231 IMF-fixdate ({@code Tue, 02 Dec 2026 01:02:03 GMT}); RFC_1123_DATE_TIME prints a one-digit day. */
    static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    /** The most resources {@code _include}/{@code _revinclude} add to one page. */
    static final int MAX_INCLUDED = 1000;
    static final String SUBSETTED_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

    private final FhirContext fhir;
    private final FhirStore store;
    private final JwtAuthenticator authenticator;
    private final MessageStore audit;
    private final String baseUrl;

    /** @param baseUrl the public base of the FHIR API (e.g. {@code https://caravan.example.org/fhir}); empty: from the Host header */
    public FhirReadApi(FhirContext fhir, FhirStore store, JwtAuthenticator authenticator, MessageStore audit, String baseUrl) {
        this.fhir = fhir;
        this.store = store;
        this.authenticator = authenticator;
        this.audit = audit;
        this.baseUrl = baseUrl == null || baseUrl.isBlank() ? null : baseUrl.replaceAll("/+$", "");
    }

    public void handle(Exchange exchange) {
        Message m = exchange.getMessage();
        String rawQuery = m.getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        boolean xml = false;
        try {
            xml = FhirResponses.wantsXml(exchange, formatParameter(rawQuery));
            List<String> path = RequestPath.segments(exchange, "/fhir/");
            String method = m.getHeader(Exchange.HTTP_METHOD, String.class);
            String type = path.isEmpty() ? "" : path.get(0);
            // the routes of these restrict the method: any other method falls through to here
            if (path.size() == 1 && type.equals("metadata")) {
                throw new FhirResponses.FhirError(405, method + " is not supported on /fhir/metadata", "GET, OPTIONS");
            }
            if (path.size() == 1 && type.equals("$convert-ccda")) {
                throw new FhirResponses.FhirError(405, method + " is not supported on /fhir/$convert-ccda", "POST");
            }
            if (!SearchParameters.resourceTypes().contains(type)) {
                throw new FhirResponses.FhirError(404, "Unknown resource type '" + type + "': Caravan serves "
                        + String.join(", ", SearchParameters.resourceTypes()) + " (see /fhir/metadata)");
            }
            boolean searchPath = path.size() == 2 && path.get(1).equals("_search");
            boolean search = path.size() == 1 || searchPath;
            boolean postSearch = searchPath && "POST".equals(method);
            if (!"GET".equals(method) && !"HEAD".equals(method) && !postSearch) {
                throw new FhirResponses.FhirError(405, "Caravan's FHIR store is read-only (its resources come from ADT "
                        + "messages): " + method + " is not supported" + (path.size() == 1 ? " (search with POST "
                        + type + "/_search)" : ""), searchPath ? "GET, HEAD, POST" : "GET, HEAD");
            }
            if (postSearch) {
                rawQuery = withForm(exchange, rawQuery);
                xml = FhirResponses.wantsXml(exchange, formatParameter(rawQuery));
            }
            Caller caller = authorize(exchange, type, search);
            if (search) {
                search(exchange, caller, type, rawQuery, xml);
                return;
            }
            String id = path.get(1);
            if (path.size() == 3 && path.get(2).equals("_history")) {
                history(exchange, type, id, rawQuery, xml);
                audit.audit(caller.systemId(), "fhir history", null, type + "/" + id);
                return;
            }
            noParameters(rawQuery);
            if (path.size() == 2) {
                FhirStore.Stored s = store.read(type, id).orElseThrow(() -> notFound(type, id));
                respond(exchange, s, xml);
                audit.audit(caller.systemId(), "fhir read", null, type + "/" + id);
            } else if (path.size() == 4 && path.get(2).equals("_history")) {
                int version = version(path.get(3));
                FhirStore.Stored s = store.vread(type, id, version).orElseThrow(() -> new FhirResponses.FhirError(404,
                        "Version " + version + " of " + type + "/" + id + " is not known"));
                respond(exchange, s, xml);
                audit.audit(caller.systemId(), "fhir vread", null, type + "/" + id + "/_history/" + version);
            } else {
                throw new FhirResponses.FhirError(400, "Unsupported FHIR request path");
            }
        } catch (FhirResponses.FhirError e) {
            e.respond(exchange, fhir, xml);
        } catch (StoreUnavailableException e) {
            LOG.warn("FHIR store unavailable: {}", e.getClass().getSimpleName());
            FhirResponses.resource(exchange, fhir, 503, FhirResponses.outcome("error", "transient",
                    "The FHIR store is unavailable; try again later"), xml);
        } catch (IllegalArgumentException e) {
            // a malformed percent-encoding in the path
            FhirResponses.resource(exchange, fhir, 400, FhirResponses.outcome("error", "invalid", "Malformed request path"), xml);
        } catch (RuntimeException e) {
            // class name only: messages can quote resources
            LOG.error("FHIR read failed: {}", e.getClass().getName());
            FhirResponses.resource(exchange, fhir, 500, FhirResponses.outcome("error", "exception",
                    "The request could not be answered (internal error)"), xml);
        }
    }

    private void search(Exchange exchange, Caller caller, String type, String rawQuery, boolean xml) {
        SearchParameters.Query query;
        try {
            query = SearchParameters.parse(type, rawQuery);
        } catch (InvalidSearchException e) {
            throw new FhirResponses.FhirError(400, e.getMessage());
        }
        for (String include : query.includes()) {
            String target = include.endsWith(":location") ? "Location" : "Patient";
            if (!FhirScopes.allowsRead(caller.scopes(), target, true)) {
                throw new FhirResponses.FhirError(403, "_include=" + include + " needs scope system/" + target + ".read");
            }
        }
        if (!query.revincludes().isEmpty() && !FhirScopes.allowsRead(caller.scopes(), "Encounter", true)) {
            throw new FhirResponses.FhirError(403, "_revinclude needs scope system/Encounter.read");
        }
        int count = query.summaryCount() ? 0 : query.count();
        int offset = query.offset();
        FhirStore.Page page = store.search(type, query.criteria(), count, offset, query.sort());
        String base = base(exchange);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(page.total());
        bundle.setTimestamp(new Date());
        StringBuilder criteria = new StringBuilder();
        for (String[] p : query.echo()) {
            criteria.append(URLEncoder.encode(p[0], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(p[1], StandardCharsets.UTF_8)).append('&');
        }
        String self = base + "/" + type + "?" + criteria;
        if (query.summaryCount()) {
            bundle.addLink().setRelation("self").setUrl(self.substring(0, self.length() - 1));
        } else {
            bundle.addLink().setRelation("self").setUrl(self + "_count=" + count + "&_offset=" + offset);
            bundle.addLink().setRelation("first").setUrl(self + "_count=" + count + "&_offset=0");
        }
        if (count > 0 && offset > 0) {
            bundle.addLink().setRelation("previous").setUrl(self + "_count=" + count + "&_offset=" + Math.max(0, offset - count));
        }
        if (count > 0 && offset + count < page.total()) {
            bundle.addLink().setRelation("next").setUrl(self + "_count=" + count + "&_offset=" + (offset + count));
        }
        if (count > 0) {
            int last = page.total() == 0 ? 0 : ((page.total() - 1) / count) * count;
            bundle.addLink().setRelation("last").setUrl(self + "_count=" + count + "&_offset=" + last);
        }
        List<Resource> matches = new ArrayList<>();
        Set<String> listed = new LinkedHashSet<>();
        for (FhirStore.Stored s : page.resources()) {
            Resource r = parse(s);
            matches.add(r);
            listed.add(type + "/" + s.id());
            bundle.addEntry().setFullUrl(base + "/" + type + "/" + s.id())
                    .setResource(query.elements().isEmpty() ? r : subset(r, query.elements()))
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        int included = include(bundle, base, query, matches, listed);
        FhirResponses.resource(exchange, fhir, 200, bundle, xml);
        audit.audit(caller.systemId(), "fhir search", null, type + ": " + page.resources().size() + " of "
                + page.total() + " result(s)" + (included > 0 ? ", " + included + " included" : ""));
    }

    /** Adds the {@code _include}d and {@code _revinclude}d resources (search.mode include); returns how many. */
    private int include(Bundle bundle, String base, SearchParameters.Query query, List<Resource> matches, Set<String> listed) {
        List<FhirStore.Stored> found = new ArrayList<>();
        for (String include : query.includes()) {
            for (Resource r : matches) {
                if (!(r instanceof Encounter e)) {
                    continue;
                }
                List<String> refs = new ArrayList<>();
                if (include.endsWith(":location")) {
                    e.getLocation().forEach(l -> refs.add(l.getLocation().getReferenceElement().toUnqualifiedVersionless().getValue()));
                } else if (e.hasSubject()) {
                    refs.add(e.getSubject().getReferenceElement().toUnqualifiedVersionless().getValue());
                }
                for (String ref : refs) {
                    if (ref == null || !ref.contains("/") || found.size() >= MAX_INCLUDED || !listed.add(ref)) {
                        continue;
                    }
                    String[] parts = ref.split("/");
                    store.read(parts[0], parts[1]).ifPresent(found::add);
                }
            }
        }
        if (!query.revincludes().isEmpty() && !matches.isEmpty()) {
            List<SearchCriterion.Match> patients = new ArrayList<>();
            matches.forEach(r -> patients.add(new SearchCriterion.Match("Patient/" + r.getIdPart(), null, null)));
            SearchCriterion byPatient = new SearchCriterion("patient", SearchCriterion.Kind.EQUALS, patients);
            for (FhirStore.Stored s : store.search("Encounter", List.of(byPatient), MAX_INCLUDED, 0).resources()) {
                if (found.size() < MAX_INCLUDED && listed.add("Encounter/" + s.id())) {
                    found.add(s);
                }
            }
        }
        for (FhirStore.Stored s : found) {
            bundle.addEntry().setFullUrl(base + "/" + s.type() + "/" + s.id()).setResource(parse(s))
                    .getSearch().setMode(Bundle.SearchEntryMode.INCLUDE);
        }
        return found.size();
    }

    /** Only the named top-level elements (plus id and meta), tagged SUBSETTED as FHIR asks. */
    private Resource subset(Resource full, List<String> elements) {
        Resource copy = (Resource) fhir.getResourceDefinition(full.fhirType()).newInstance();
        copy.setIdElement(full.getIdElement());
        copy.setMeta(full.getMeta().copy());
        for (String name : elements) {
            if (name.equals("id") || name.equals("meta")) {
                continue;
            }
            for (Base value : full.getNamedProperty(name).getValues()) {
                copy.setProperty(name, value);
            }
        }
        copy.getMeta().addTag(SUBSETTED_SYSTEM, "SUBSETTED", "subsetted");
        return copy;
    }

    private void history(Exchange exchange, String type, String id, String rawQuery, boolean xml) {
        int count = Integer.MAX_VALUE;
        Instant since = null;
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                switch (name) {
                    case "", "_format", "_pretty" -> { }
                    case "_count" -> {
                        try {
                            count = Math.min(SearchParameters.MAX_COUNT, Integer.parseInt(value));
                        } catch (NumberFormatException e) {
                            count = -1;
                        }
                        if (count < 0) {
                            throw new FhirResponses.FhirError(400, "_count must be a whole number from 0");
                        }
                    }
                    case "_since" -> {
                        try {
                            since = DateRange.parse(value).low();
                        } catch (IllegalArgumentException e) {
                            throw new FhirResponses.FhirError(400, "_since: " + e.getMessage());
                        }
                    }
                    default -> throw new FhirResponses.FhirError(400, "Unknown parameter '" + name
                            + "' (a history takes _count, _since and _format)");
                }
            }
        }
        List<FhirStore.Stored> versions = store.history(type, id);
        if (versions.isEmpty()) {
            throw notFound(type, id);
        }
        Instant from = since;
        List<FhirStore.Stored> selected = versions.stream()
                .filter(s -> from == null || !s.lastUpdated().isBefore(from)).toList();
        String base = base(exchange);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.HISTORY).setTotal(selected.size());
        bundle.addLink().setRelation("self").setUrl(base + "/" + type + "/" + id + "/_history"
                + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
        for (FhirStore.Stored s : selected.subList(0, Math.min(count, selected.size()))) {
            Bundle.BundleEntryComponent e = bundle.addEntry()
                    .setFullUrl(base + "/" + type + "/" + id).setResource(parse(s));
            e.getRequest().setMethod(s.version() == 1 ? Bundle.HTTPVerb.POST : Bundle.HTTPVerb.PUT)
                    .setUrl(s.version() == 1 ? type : type + "/" + id);
            e.getResponse().setStatus(s.version() == 1 ? "201 Created" : "200 OK")
                    .setLastModified(Date.from(s.lastUpdated()));
        }
        FhirResponses.resource(exchange, fhir, 200, bundle, xml);
    }

    /** {@code POST {type}/_search}: the form body's parameters after the query string's. */
    private static String withForm(Exchange exchange, String rawQuery) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw new FhirResponses.FhirError(415, "POST " + "_search takes an application/x-www-form-urlencoded body");
        }
        Object content = exchange.getMessage().getBody();
        String body;
        if (content instanceof java.util.Map<?, ?> form) {
            // platform-http has already decoded the form: encode it again, like a query string
            StringBuilder b = new StringBuilder();
            form.forEach((k, v) -> {
                for (Object value : v instanceof java.util.Collection<?> c ? c : List.of(v == null ? "" : v)) {
                    b.append(b.length() == 0 ? "" : "&").append(URLEncoder.encode(String.valueOf(k), StandardCharsets.UTF_8))
                            .append('=').append(URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
                }
            });
            body = b.toString();
        } else {
            body = exchange.getMessage().getBody(String.class);
        }
        if (body == null || body.isBlank()) {
            return rawQuery;
        }
        return rawQuery == null || rawQuery.isEmpty() ? body.strip() : rawQuery + "&" + body.strip();
    }

    private void respond(Exchange exchange, FhirStore.Stored s, boolean xml) {
        if (xml) {
            FhirResponses.resource(exchange, fhir, 200, parse(s), true);
        } else {
            Message m = exchange.getMessage();
            m.getHeaders().clear();
            m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            m.setHeader(Exchange.CONTENT_TYPE, "application/fhir+json;charset=utf-8");
            m.setBody(s.json());
        }
        Message m = exchange.getMessage();
        m.setHeader("ETag", "W/\"" + s.version() + "\"");
        m.setHeader("Last-Modified", HTTP_DATE.format(s.lastUpdated()));
    }

    private Resource parse(FhirStore.Stored s) {
        return (Resource) fhir.newJsonParser().parseResource(s.json());
    }

    private String base(Exchange exchange) {
        return FhirResponses.base(exchange, baseUrl);
    }

    private Caller authorize(Exchange exchange, String type, boolean search) {
        Caller caller = FhirResponses.authenticate(exchange, authenticator);
        if (!JwtAuthenticator.INTERNAL.equals(caller.issuerGroup())) {
            throw new FhirResponses.FhirError(403, "Tokens of this issuer cannot read the FHIR store");
        }
        if (!FhirScopes.allowsRead(caller.scopes(), type, search)) {
            throw new FhirResponses.FhirError(403, "The token lacks scope system/" + type + ".read (or system/*.read)");
        }
        exchange.setProperty(RequireToken.CALLER, caller);
        return caller;
    }

    private static FhirResponses.FhirError notFound(String type, String id) {
        return new FhirResponses.FhirError(404, "Resource " + type + "/" + id + " is not known");
    }

    private static int version(String text) {
        try {
            int v = Integer.parseInt(text);
            if (v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new FhirResponses.FhirError(400, "A version id is a whole number from 1");
        }
    }

    /** Read and vread take only the format parameters. */
    private static void noParameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        for (String pair : rawQuery.split("&")) {
            String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
            if (!name.isEmpty() && !name.equals("_format") && !name.equals("_pretty")) {
                throw new FhirResponses.FhirError(400, "Unknown parameter '" + name + "' (a read takes _format only)");
            }
        }
    }

    private static String formatParameter(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith("_format=")) {
                return java.net.URLDecoder.decode(pair.substring(8), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

}
