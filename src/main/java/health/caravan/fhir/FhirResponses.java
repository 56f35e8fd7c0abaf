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

        FhirError(int status, String message) {
            super(message);
            this.status = status;
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
