package health.caravan.security;

import java.util.Set;

/**
 * An authenticated caller.
 *
 * @param issuerGroup {@code internal} (Caravan's own issuer, HS or JWKS) or {@code epr} (the EPR service adapter)
 * @param scopes      the token's scopes
 * @param systemId    {@code metadata.system_id} (or patient/device/clinician id), else {@code unknown}
 */
public record Caller(String issuerGroup, Set<String> scopes, String systemId) {
}
