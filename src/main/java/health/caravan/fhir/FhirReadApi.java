package health.caravan.fhir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.hl7.fhir.r4.model.Bundle;
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
 * ({@code /_history/{vid}}), instance history and search ({@code GET /fhir/Patient?family=...}, also
 * {@code /_search}) for Patient, Encounter and Location; JSON or XML; searchset Bundles paged with
 * {@code _count}/{@code _offset}; every error an OperationOutcome. Bearer JWT with SMART system scopes
 * ({@code system/*.read}, {@code system/Patient.read}, or v2 {@code .rs}); reads and searches are audited
 * (resource ids and counts, never search values).
 */
public final class FhirReadApi {

    private static final Logger LOG = LoggerFactory.getLogger(FhirReadApi.class);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

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
            if (!SearchParameters.resourceTypes().contains(type)) {
                throw new FhirResponses.FhirError(404, "Unknown resource type '" + type + "': Caravan serves "
                        + String.join(", ", SearchParameters.resourceTypes()) + " (see /fhir/metadata)");
            }
            boolean search = path.size() == 1 || (path.size() == 2 && path.get(1).equals("_search"));
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                throw new FhirResponses.FhirError(405, "Caravan's FHIR store is read-only (its resources come from ADT "
                        + "messages): " + method + " is not supported");
            }
            Caller caller = authorize(exchange, type, search);
            if (search) {
                search(exchange, caller, type, rawQuery, xml);
                return;
            }
            noParameters(rawQuery);
            String id = path.get(1);
            if (path.size() == 2) {
                FhirStore.Stored s = store.read(type, id).orElseThrow(() -> notFound(type, id));
                respond(exchange, s, xml);
                audit.audit(caller.systemId(), "fhir read", null, type + "/" + id);
            } else if (path.size() == 3 && path.get(2).equals("_history")) {
                history(exchange, type, id, xml);
                audit.audit(caller.systemId(), "fhir history", null, type + "/" + id);
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
            FhirResponses.resource(exchange, fhir, e.status, FhirResponses.outcome("error", e.issueCode(), e.getMessage()), xml);
            if (e.status == 401) {
                m.setHeader("WWW-Authenticate", "Bearer");
            }
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
        FhirStore.Page page = store.search(type, query.criteria(), query.count(), query.offset());
        String base = base(exchange);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(page.total());
        bundle.setTimestamp(new Date());
        StringBuilder criteria = new StringBuilder();
        for (String[] p : query.echo()) {
            criteria.append(URLEncoder.encode(p[0], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(p[1], StandardCharsets.UTF_8)).append('&');
        }
        String self = base + "/" + type + "?" + criteria;
        int count = query.count();
        int offset = query.offset();
        bundle.addLink().setRelation("self").setUrl(self + "_count=" + count + "&_offset=" + offset);
        bundle.addLink().setRelation("first").setUrl(self + "_count=" + count + "&_offset=0");
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
        for (FhirStore.Stored s : page.resources()) {
            bundle.addEntry().setFullUrl(base + "/" + type + "/" + s.id()).setResource(parse(s))
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        FhirResponses.resource(exchange, fhir, 200, bundle, xml);
        audit.audit(caller.systemId(), "fhir search", null, type + ": " + page.resources().size() + " of "
                + page.total() + " result(s)");
    }

    private void history(Exchange exchange, String type, String id, boolean xml) {
        List<FhirStore.Stored> versions = store.history(type, id);
        if (versions.isEmpty()) {
            throw notFound(type, id);
        }
        String base = base(exchange);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.HISTORY).setTotal(versions.size());
        bundle.addLink().setRelation("self").setUrl(base + "/" + type + "/" + id + "/_history");
        for (FhirStore.Stored s : versions) {
            Bundle.BundleEntryComponent e = bundle.addEntry()
                    .setFullUrl(base + "/" + type + "/" + id).setResource(parse(s));
            e.getRequest().setMethod(s.version() == 1 ? Bundle.HTTPVerb.POST : Bundle.HTTPVerb.PUT)
                    .setUrl(s.version() == 1 ? type : type + "/" + id);
            e.getResponse().setStatus(s.version() == 1 ? "201 Created" : "200 OK")
                    .setLastModified(Date.from(s.lastUpdated()));
        }
        FhirResponses.resource(exchange, fhir, 200, bundle, xml);
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
        if (baseUrl != null) {
            return baseUrl;
        }
        String host = exchange.getMessage().getHeader("Host", String.class);
        return "http://" + (host == null || host.isBlank() ? "localhost" : host) + "/fhir";
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
