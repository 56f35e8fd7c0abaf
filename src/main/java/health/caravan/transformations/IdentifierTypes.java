package health.caravan.transformations;

import java.util.Set;

/**
 * Which PID-3/MRG-1 identifier type codes (component 5) count as an MRN and as an NHS number.
 * Configuration, with the Polaris values as defaults; a US site can map e.g. {@code MR} and {@code SS}.
 */
public record IdentifierTypes(Set<String> mrnTypes, Set<String> nhsTypes) {

    public static IdentifierTypes polarisDefaults() {
        return new IdentifierTypes(Set.of("MRN"), Set.of("NHS", "NHSNBR", "NHSNMBR"));
    }

    public static IdentifierTypes parse(String mrnTypes, String nhsTypes) {
        return new IdentifierTypes(split(mrnTypes), split(nhsTypes));
    }

    private static Set<String> split(String list) {
        return Set.of(list.trim().split("\\s*,\\s*"));
    }
}
