package health.caravan.web;

import java.util.List;
import java.util.Locale;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import health.caravan.security.AuthException;
import health.caravan.security.JwtAuthenticator;

/**
 * Checks the bearer token of a request to the authenticated API before its body is read: a caller
 * without a valid token cannot make Caravan buffer a large body (up to the server's body limit). Runs
 * first on the platform-http router for bodies larger than {@code threshold} bytes (or of unknown
 * length); smaller requests are checked, with their scopes, by the route as before. Only the token's
 * signature, issuer, audience and expiry are checked here; the route still checks the scope.
 */
public final class TokenBeforeBody implements Handler<RoutingContext> {

    /** Paths served with a bearer token (the web site, /sync, /observe and /fhir/metadata are not). */
    private static final List<String> AUTHENTICATED = List.of("/dhos/", "/caravan/", "/api/", "/fhir/");

    private final JwtAuthenticator authenticator;
    private final long threshold;

    public TokenBeforeBody(JwtAuthenticator authenticator, long threshold) {
        this.authenticator = authenticator;
        this.threshold = threshold;
    }

    @Override
    public void handle(RoutingContext rc) {
        if (!needsCheck(rc)) {
            rc.next();
            return;
        }
        try {
            authenticator.authenticate(rc.request().getHeader(HttpHeaders.AUTHORIZATION));
            rc.next();
        } catch (AuthException e) {
            String body = "{\"message\":\"" + e.getMessage().replace("\"", "'") + "\"}";
            rc.response().setStatusCode(e.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader("WWW-Authenticate", "Bearer")
                    // the unread body is not wanted: close rather than drain it
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(body);
        }
    }

    private boolean needsCheck(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (path == null || "/fhir/metadata".equals(path) || AUTHENTICATED.stream().noneMatch(path::startsWith)) {
            return false;
        }
        String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                return Long.parseLong(length.trim()) > threshold;
            } catch (NumberFormatException e) {
                return true;
            }
        }
        String encoding = rc.request().getHeader(HttpHeaders.TRANSFER_ENCODING);
        return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
    }
}
