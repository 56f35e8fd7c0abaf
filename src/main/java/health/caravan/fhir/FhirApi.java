package health.caravan.fhir;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.Exchange;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import health.caravan.security.Caller;
import health.caravan.security.JwtAuthenticator;
import health.caravan.transformations.fhir.CcdaConversionException;
import health.caravan.transformations.fhir.CcdaToFhirConverter;
import health.caravan.web.QueryParameters;
import health.caravan.security.RequireToken;
import health.caravan.web.HttpResponses;

/**
 * Caravan's FHIR R4 endpoints: {@code GET /fhir/metadata} (no auth), {@code POST /fhir/$convert-ccda}
 * (C-CDA in, document Bundle out, errors as OperationOutcome) and the cda2fhir-service compatible
 * {@code POST /api/convert}. Bearer JWTs with SMART-style scopes ({@code system/Bundle.write},
 * {@code system/*.write}).
 */
public final class FhirApi {

    private static final Logger LOG = LoggerFactory.getLogger(FhirApi.class);
    static final String CONVERT_SCOPE = "system/Bundle.write";
    /** The name of the C-CDA input parameter of $convert-ccda (a Binary, valueString or valueBase64Binary). */
    static final String DOCUMENT_PARAMETER = "document";
    private static final DateTimeFormatter LEGACY_TIME = DateTimeFormatter.ofPattern("dd-MM-yyyy hh:mm:ss", Locale.ROOT);

    private final FhirContext fhir;
    private final CcdaToFhirConverter converter;
    private final JwtAuthenticator authenticator;
    private final String version;

    public FhirApi(FhirContext fhir, JwtAuthenticator authenticator, String version) {
        this.fhir = fhir;
        this.converter = new CcdaToFhirConverter(fhir);
        this.authenticator = authenticator;
        this.version = version;
    }

    /** {@code GET /fhir/metadata}: the CapabilityStatement (JSON or XML). */
    public void metadata(Exchange exchange) {
        boolean xml;
        try {
            xml = negotiate(exchange);
        } catch (FhirResponses.FhirError e) {
            FhirResponses.resource(exchange, fhir, e.status, FhirResponses.outcome("error", e.issueCode(), e.getMessage()), false);
            return;
        }
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE);
        cs.setDate(new java.util.Date());
        cs.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
        cs.setName("Caravan");
        cs.setPublisher("Caravan");
        cs.getSoftware().setName("Caravan").setVersion(version);
        cs.getImplementation().setDescription("Caravan FHIR R4 endpoint");
        cs.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        cs.addFormat("application/fhir+json");
        cs.addFormat("application/fhir+xml");
        CapabilityStatement.CapabilityStatementRestComponent rest = cs.addRest();
        rest.setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.getSecurity().setDescription("Bearer JWT; scope " + CONVERT_SCOPE + " (or system/*.write) for $convert-ccda; "
                + "system/<Type>.read or system/*.read (SMART v2: .rs) to read and search");
        for (String type : SearchParameters.resourceTypes()) {
            CapabilityStatement.CapabilityStatementRestResourceComponent resource = rest.addResource().setType(type)
                    .setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONED).setReadHistory(true)
                    .setUpdateCreate(false).setConditionalRead(CapabilityStatement.ConditionalReadStatus.NOTSUPPORTED);
            resource.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.READ);
            resource.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.VREAD);
            resource.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.HISTORYINSTANCE);
            resource.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE)
                    .setDocumentation("GET " + type + "?... or POST " + type + "/_search (form body); _count (max "
                            + SearchParameters.MAX_COUNT + ", larger is capped), _offset, _sort (" + String.join(", ",
                            SearchParameters.sorts(type)) + "; - for descending), _summary=count, _elements, _format");
            SearchParameters.includes(type).forEach(resource::addSearchInclude);
            SearchParameters.revincludes(type).forEach(resource::addSearchRevInclude);
            for (SearchParameters.Definition d : SearchParameters.definitions(type)) {
                resource.addSearchParam().setName(d.name()).setDocumentation(d.description())
                        .setType(switch (d.type()) {
                            case TOKEN, ID -> Enumerations.SearchParamType.TOKEN;
                            case STRING -> Enumerations.SearchParamType.STRING;
                            case DATE -> Enumerations.SearchParamType.DATE;
                            case REFERENCE -> Enumerations.SearchParamType.REFERENCE;
                        });
            }
        }
        rest.addOperation().setName("convert-ccda").setDefinition(operationDefinitionUrl(exchange));
        FhirResponses.resource(exchange, fhir, 200, cs, xml);
    }

    /** {@code GET /fhir/OperationDefinition/convert-ccda} (no auth): the definition the CapabilityStatement names. */
    public void operationDefinition(Exchange exchange) {
        boolean xml = false;
        try {
            xml = negotiate(exchange);
            List<String> path = health.caravan.web.RequestPath.segments(exchange, "/fhir/");
            String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
            if (path.size() != 2 || !path.get(1).equals("convert-ccda")) {
                throw new FhirResponses.FhirError(404, "Caravan serves one OperationDefinition: OperationDefinition/convert-ccda");
            }
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                throw new FhirResponses.FhirError(405, method + " is not supported on an OperationDefinition", "GET, HEAD");
            }
            OperationDefinition od = new OperationDefinition();
            od.setId("convert-ccda");
            od.setUrl(operationDefinitionUrl(exchange));
            od.setName("ConvertCcda");
            od.setTitle("Convert a C-CDA document to a FHIR R4 document Bundle");
            od.setStatus(Enumerations.PublicationStatus.ACTIVE);
            od.setKind(OperationDefinition.OperationKind.OPERATION);
            od.setCode("convert-ccda");
            od.setSystem(true).setType(false).setInstance(false).setAffectsState(false);
            od.setDescription("POST the C-CDA (application/xml), or a Parameters resource whose '" + DOCUMENT_PARAMETER
                    + "' parameter carries it as a Binary resource, valueString or valueBase64Binary. Scope "
                    + CONVERT_SCOPE + " or system/*.write.");
            od.addParameter().setName(DOCUMENT_PARAMETER).setUse(OperationDefinition.OperationParameterUse.IN)
                    .setMin(1).setMax("1").setDocumentation("The C-CDA document (Binary, string or base64Binary)");
            od.addParameter().setName("return").setUse(OperationDefinition.OperationParameterUse.OUT)
                    .setMin(1).setMax("1").setType("Bundle").setDocumentation("The R4 document Bundle");
            FhirResponses.resource(exchange, fhir, 200, od, xml);
        } catch (FhirResponses.FhirError e) {
            e.respond(exchange, fhir, xml);
        }
    }

    private static String operationDefinitionUrl(Exchange exchange) {
        return FhirResponses.base(exchange, exchange.getContext().resolvePropertyPlaceholders("{{caravan.fhir.base-url:}}"))
                + "/OperationDefinition/convert-ccda";
    }

    /** {@code POST /fhir/$convert-ccda}: the C-CDA document (XML body) → an R4 document Bundle. */
    public void convertCcda(Exchange exchange) {
        boolean xml = false;
        try {
            xml = negotiate(exchange);
            authorize(exchange);
            String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
            Bundle bundle = contentType != null && (contentType.toLowerCase(Locale.ROOT).contains("json")
                    || contentType.toLowerCase(Locale.ROOT).contains("fhir+xml"))
                    ? convert(documentParameter(exchange, contentType)) : convert(exchange);
            FhirResponses.resource(exchange, fhir, 200, bundle, xml);
        } catch (FhirResponses.FhirError e) {
            e.respond(exchange, fhir, xml);
        }
    }

    /** The C-CDA of a {@code Parameters} body (FHIR JSON or XML): its {@code document} parameter. */
    private byte[] documentParameter(Exchange exchange, String contentType) {
        String body = exchange.getMessage().getBody(String.class);
        if (body == null || body.isBlank()) {
            throw new FhirResponses.FhirError(400, "The body is empty: send a Parameters resource with a '"
                    + DOCUMENT_PARAMETER + "' parameter");
        }
        Parameters parameters;
        try {
            parameters = contentType.toLowerCase(Locale.ROOT).contains("json")
                    ? fhir.newJsonParser().parseResource(Parameters.class, body)
                    : fhir.newXmlParser().parseResource(Parameters.class, body);
        } catch (RuntimeException e) {
            throw new FhirResponses.FhirError(400, "The body is not a FHIR Parameters resource");
        }
        Parameters.ParametersParameterComponent p = parameters.getParameter().stream()
                .filter(x -> DOCUMENT_PARAMETER.equals(x.getName())).findFirst()
                .orElseThrow(() -> new FhirResponses.FhirError(400, "Parameters has no '" + DOCUMENT_PARAMETER
                        + "' parameter (the C-CDA as a Binary resource, valueString or valueBase64Binary)"));
        byte[] document = null;
        if (p.getResource() instanceof Binary binary) {
            document = binary.getData();
        } else if (p.getValue() instanceof StringType text) {
            document = text.getValue() == null ? null : text.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } else if (p.getValue() instanceof Base64BinaryType data) {
            document = data.getValue();
        } else {
            throw new FhirResponses.FhirError(400, "Parameter '" + DOCUMENT_PARAMETER
                    + "' must carry the C-CDA as a Binary resource, valueString or valueBase64Binary");
        }
        if (document == null || document.length == 0) {
            throw new FhirResponses.FhirError(400, "Parameter '" + DOCUMENT_PARAMETER + "' is empty");
        }
        return document;
    }

    /** {@code GET /api/convert} and {@code GET /api}: cda2fhir-service's greeting. */
    public void legacyGreeting(Exchange exchange) {
        HttpResponses.json(exchange, 200, Map.of("message", "Welcome to the CDA to FHIR Conversion Service"));
    }

    /**
     * {@code POST /api/convert}: cda2fhir-service's call (application/xml in, Bundle JSON out, R4 instead of
     * STU3); errors in its {@code {status, timestamp, message, debugMessage, subErrors}} shape.
     */
    public void legacyConvert(Exchange exchange) {
        try {
            authorize(exchange);
            Bundle bundle = convert(exchange);
            FhirResponses.resource(exchange, fhir, 200, bundle, false);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        } catch (FhirResponses.FhirError e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", switch (e.status) {
                case 500 -> "INTERNAL_SERVER_ERROR";
                case 401 -> "UNAUTHORIZED";
                case 403 -> "FORBIDDEN";
                case 415 -> "UNSUPPORTED_MEDIA_TYPE";
                default -> "BAD_REQUEST";
            });
            body.put("timestamp", LocalDateTime.now().format(LEGACY_TIME));
            body.put("message", e.getMessage());
            body.put("debugMessage", null);
            body.put("subErrors", List.of());
            HttpResponses.json(exchange, e.status, body);
        }
    }

    private Bundle convert(Exchange exchange) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).contains("xml")) {
            throw new FhirResponses.FhirError(415, "Send the C-CDA document as application/xml");
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw new FhirResponses.FhirError(400, "Malformed CDA XML request: the body is empty");
        }
        return convert(body);
    }

    private Bundle convert(byte[] body) {
        long started = System.nanoTime();
        try {
            Bundle bundle = converter.convert(body);
            LOG.info("C-CDA converted to a FHIR Bundle of {} entries in {} ms", bundle.getEntry().size(),
                    (System.nanoTime() - started) / 1_000_000);
            return bundle;
        } catch (CcdaConversionException e) {
            LOG.info("C-CDA conversion refused: {}", e.getMessage());
            throw new FhirResponses.FhirError(400, e.getMessage());
        } catch (RuntimeException e) {
            // class name only: a message could quote the document
            LOG.error("C-CDA conversion failed: {}", e.getClass().getName());
            throw new FhirResponses.FhirError(500, "The document could not be converted (internal error)");
        }
    }

    private boolean negotiate(Exchange exchange) {
        try {
            Map<String, String> q = QueryParameters.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class),
                    Set.of("_format", "_pretty"));
            return FhirResponses.wantsXml(exchange, q.get("_format"));
        } catch (health.caravan.web.ApiException e) {
            throw new FhirResponses.FhirError(e.status(), e.getMessage());
        }
    }

    private void authorize(Exchange exchange) {
        Caller caller = FhirResponses.authenticate(exchange, authenticator);
        if (!JwtAuthenticator.INTERNAL.equals(caller.issuerGroup())) {
            throw new FhirResponses.FhirError(403, "Tokens of this issuer cannot convert documents");
        }
        if (!caller.scopes().contains(CONVERT_SCOPE) && !caller.scopes().contains("system/*.write")) {
            throw new FhirResponses.FhirError(403, "The token lacks scope " + CONVERT_SCOPE);
        }
        exchange.setProperty(RequireToken.CALLER, caller);
    }
}
