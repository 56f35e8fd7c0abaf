package health.caravan.fhir;

import java.util.Locale;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;

import health.caravan.security.AuthException;
import health.caravan.security.Caller;
import health.caravan.security.JwtAuthenticator;

/** FHIR content negotiation ({@code _format}, then Accept; JSON by default) and OperationOutcome errors. */
final class FhirResponses {

    private FhirResponses() {
    }

    /** Whether the client asked for XML. */
    static boolean wantsXml(Exchange exchange, String format) {
        if (format != null) {
            String f = format.toLowerCase(Locale.ROOT);
            if (f.equals("xml") || f.contains("xml")) {
                return true;
            }
            if (f.equals("json") || f.contains("json")) {
                return false;
            }
            throw new FhirError(400, "_format must be json, xml, application/fhir+json or application/fhir+xml");
        }
        String accept = exchange.getMessage().getHeader("Accept", String.class);
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("xml") && !accept.toLowerCase(Locale.ROOT).contains("json");
    }

    /**
     * The public base of {@code /fhir}: {@code configured} when set, else the request's own URL up to
     * {@code /fhir} (the Host header does not reach the route).
     */
    static String base(Exchange exchange, String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.replaceAll("/+$", "");
        }
        String url = exchange.getMessage().getHeader(Exchange.HTTP_URL, String.class);
        int at = url == null ? -1 : url.indexOf("/fhir");
        if (at > 0) {
            return url.substring(0, at) + "/fhir";
        }
        String host = exchange.getMessage().getHeader("Host", String.class);
        return "http://" + (host == null || host.isBlank() ? "localhost" : host) + "/fhir";
    }

    static void resource(Exchange exchange, FhirContext fhir, int status, IBaseResource resource, boolean xml) {
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, xml ? "application/fhir+xml;charset=utf-8" : "application/fhir+json;charset=utf-8");
        m.setBody(xml ? fhir.newXmlParser().encodeResourceToString(resource) : fhir.newJsonParser().encodeResourceToString(resource));
    }

    /** The caller of a bearer token (the header is then removed); a 401 FhirError when there is none or it is bad. */
    static Caller authenticate(Exchange exchange, JwtAuthenticator authenticator) {
        try {
            Caller caller = authenticator.authenticate(exchange.getMessage().getHeader("Authorization", String.class));
            exchange.getMessage().removeHeader("Authorization");
            return caller;
        } catch (AuthException e) {
            throw new FhirError(401, e.getMessage());
        }
    }

    static OperationOutcome outcome(String severity, String code, String diagnostics) {
        OperationOutcome o = new OperationOutcome();
        o.addIssue().setSeverity(OperationOutcome.IssueSeverity.fromCode(severity))
                .setCode(OperationOutcome.IssueType.fromCode(code)).setDiagnostics(diagnostics);
        return o;
    }

    /** An error a FHIR endpoint answers with an OperationOutcome. */
    static final class FhirError extends RuntimeException {
        final int status;
        /** The {@code Allow} header of a 405, else null. */
        final String allow;

        FhirError(int status, String message) {
            this(status, message, null);
        }

        FhirError(int status, String message, String allow) {
            super(message);
            this.status = status;
            this.allow = allow;
        }

        /** Answers this error as an OperationOutcome (with {@code Allow} on a 405, {@code WWW-Authenticate} on a 401). */
        void respond(Exchange exchange, FhirContext fhir, boolean xml) {
            resource(exchange, fhir, status, outcome("error", issueCode(), getMessage()), xml);
            if (allow != null) {
                exchange.getMessage().setHeader("Allow", allow);
            }
            if (status == 401) {
                exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
            }
        }

        String issueCode() {
            return switch (status) {
                case 401 -> "login";
                case 403 -> "forbidden";
                case 404 -> "not-found";
                case 410 -> "deleted";
                case 405 -> "not-supported";
                case 415 -> "not-supported";
                default -> status >= 500 ? "exception" : "invalid";
            };
        }
    }
}
