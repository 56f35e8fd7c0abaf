package health.caravan.security;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import health.caravan.web.TokenBeforeBody;

/**
 * The HTTP API's token check: {@code jwtAuthenticator} and {@code requireToken}; a large request body is
 * read only after its bearer token checks out. In development mode (the {@code developmentMode} bean the
 * start-up checks bind) with no key configured, prints a full-scope token for the local trial.
 */
public final class SecurityConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfiguration.class);
    /** Every scope Caravan's routes ask for. */
    static final String DEVELOPMENT_SCOPES = "read:hl7_message write:hl7_message read:delivery write:delivery "
            + "write:cda_document read:extracts write:extracts read:examples write:examples system/Bundle.write system/*.read";

    @PropertyInject("caravan.jwt.issuer")
    String issuer;
    @PropertyInject("caravan.jwt.hs-key")
    String hsKey;
    @PropertyInject("caravan.epr.issuer")
    String eprIssuer;
    @PropertyInject("caravan.epr.hs-key")
    String eprHsKey;
    @PropertyInject("caravan.jwt.jwks-url")
    String jwksUrl;
    @PropertyInject("caravan.http.token-before-body-bytes")
    long tokenBeforeBodyBytes;

    @Override
    public void configure(CamelContext context) throws Exception {
        boolean development = Boolean.TRUE.equals(context.getRegistry().lookupByNameAndType("developmentMode", Boolean.class));
        JwtAuthenticator authenticator = new JwtAuthenticator(issuer.trim(), hsKey.trim(), eprIssuer.trim(), eprHsKey.trim(),
                jwksUrl.trim(), development);
        context.getRegistry().bind("jwtAuthenticator", authenticator);
        context.getRegistry().bind("requireToken", new RequireToken(authenticator));
        checkTokensBeforeBodies(context, authenticator, tokenBeforeBodyBytes);
        if (development && authenticator.usesGeneratedKey()) {
            printDevelopmentToken(authenticator, issuer.trim());
        }
    }

    /**
     * A large request body to the authenticated API is read only after its bearer token checks out: the
     * check runs first on the HTTP server's router, once it exists (when the context has started).
     */
    private static void checkTokensBeforeBodies(CamelContext context, JwtAuthenticator authenticator, long threshold) {
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStartedEvent) {
                    for (VertxPlatformHttpRouter router : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
                        router.route().order(-1000).handler(new TokenBeforeBody(authenticator, threshold));
                    }
                }
            }
        });
    }

    private static void printDevelopmentToken(JwtAuthenticator authenticator, String issuer) {
        String token = authenticator.issueInternalToken("caravan-dev", DEVELOPMENT_SCOPES, 24 * 3600);
        LOG.warn("No CARAVAN_JWT_HS_KEY configured: generated a signing key for this process only; "
                + "the development token is printed on standard output");
        System.out.println();
        System.out.println("==== Caravan development token (issuer " + issuer + ", valid 24 h, scopes " + DEVELOPMENT_SCOPES + ") ====");
        System.out.println(token);
        System.out.println("==== use it as:  Authorization: Bearer <token>  (set CARAVAN_JWT_HS_KEY to turn this off) ====");
        System.out.println();
    }
}
