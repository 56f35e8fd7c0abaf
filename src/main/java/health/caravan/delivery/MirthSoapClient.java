package health.caravan.delivery;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Forwards a CDA document to the Trust's Mirth Connect Web Service Listener: a SOAP 1.1
 * document/literal call of {@code acceptMessage(arg0 = <the XML as a string>)} in namespace
 * {@code http://ws.connectors.connect.mirth.com/}, empty SOAPAction, HTTP Basic auth (reference §10).
 * The envelope is small and fixed, so it is written directly rather than generated from the WSDL.
 * Connection failures, timeouts and 5xx without a SOAP fault are transient; a SOAP fault and other
 * 4xx are permanent (dead-lettered, retried by hand).
 */
public final class MirthSoapClient {

    private final HttpClient http;
    private final URI endpoint;
    private final String authorization;
    private final Duration timeout;

    public MirthSoapClient(String url, String username, String password, Duration timeout) {
        this.endpoint = URI.create(url);
        this.authorization = username == null || username.isEmpty() ? null
                : "Basic " + Base64.getEncoder().encodeToString((username + ":" + (password == null ? "" : password))
                        .getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public static String envelope(String cda) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
                + "xmlns:ws=\"http://ws.connectors.connect.mirth.com/\"><soapenv:Body><ws:acceptMessage><arg0>"
                + escape(cda) + "</arg0></ws:acceptMessage></soapenv:Body></soapenv:Envelope>";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    public Attempt send(String cda) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "\"\"")
                .POST(HttpRequest.BodyPublishers.ofString(envelope(cda), StandardCharsets.UTF_8));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        PartnerCall call = PartnerCall.send(http, b.build(), timeout);
        if (call.failure() != null) {
            return call.failure();
        }
        HttpResponse<String> response = call.response();
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body();
        boolean fault = body.contains(":Fault>") || body.contains("<Fault>");
        if (fault) {
            return new Attempt(Attempt.PERMANENT, status, "Mirth answered with a SOAP fault", null);
        }
        if (status >= 500 || status == 429 || status == 408) {
            return new Attempt(Attempt.TRANSIENT, status, "Mirth answered HTTP " + status, null);
        }
        if (status >= 300) {
            return new Attempt(Attempt.PERMANENT, status, "Mirth refused the document: HTTP " + status, null);
        }
        return new Attempt(Attempt.DELIVERED, status, "accepted", null);
    }
}
