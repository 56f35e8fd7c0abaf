package health.caravan.fhir;

import java.util.Set;

/**
 * SMART on FHIR system scopes for Caravan's FHIR API: v1 {@code system/Patient.read}, {@code system/*.read},
 * {@code system/*.*}, and v2 {@code system/Patient.rs} (r = read/vread/history, s = search).
 */
final class FhirScopes {

    private FhirScopes() {
    }

    static boolean allowsRead(Set<String> scopes, String type, boolean search) {
        for (String scope : scopes) {
            if (!scope.startsWith("system/")) {
                continue;
            }
            int dot = scope.indexOf('.');
            if (dot < 0) {
                continue;
            }
            String scopeType = scope.substring("system/".length(), dot);
            String access = scope.substring(dot + 1);
            if (!scopeType.equals("*") && !scopeType.equals(type)) {
                continue;
            }
            if (access.equals("read") || access.equals("*")) {
                return true;
            }
            // SMART v2: letters from c r u d s in that order
            if (access.matches("c?r?u?d?s?") && access.indexOf(search ? 's' : 'r') >= 0) {
                return true;
            }
        }
        return false;
    }
}
