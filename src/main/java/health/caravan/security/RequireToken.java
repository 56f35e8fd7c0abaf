package health.caravan.security;

import java.util.Set;

import org.apache.camel.Exchange;


/**
 * Route guard: {@code bean: {ref: requireToken, method: "require(*, 'write:hl7_message', 'internal,epr')"}}
 * lets the exchange through only with a valid bearer token from one of the issuer groups that has the scope.
 */
public final class RequireToken {

    public static final String CALLER = "caravan.caller";

    private final JwtAuthenticator authenticator;

    public RequireToken(JwtAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    public void require(Exchange exchange, String scope, String issuerGroups) {
        Caller caller = authenticator.authenticate(exchange.getMessage().getHeader("Authorization", String.class));
        JwtAuthenticator.authorize(caller, scope, Set.of(issuerGroups.split(",")));
        exchange.setProperty(CALLER, caller);
        // the token is not needed any further down the route
        exchange.getMessage().removeHeader("Authorization");
    }

    public static Caller caller(Exchange exchange) {
        return exchange.getProperty(CALLER, Caller.class);
    }
}
