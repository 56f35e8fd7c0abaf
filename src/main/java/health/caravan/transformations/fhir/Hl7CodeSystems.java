package health.caravan.transformations.fhir;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;

/**
 * The HL7 terminology code systems ({@code http://terminology.hl7.org/CodeSystem/...}, e.g. v3-ObservationInterpretation)
 * whose complete content ships with HAPI: a code outside them is an error for any validator, so a coding with such a
 * code (a vendor's {@code TEST} interpretation) is not emitted; the caller keeps the code as text. Code systems HAPI
 * does not hold completely are not checked. Loaded once per code system, from the classpath only.
 */
final class Hl7CodeSystems {

    private static final String THO = "http://terminology.hl7.org/CodeSystem/";
    private static final Map<String, Optional<Set<String>>> CODES = new ConcurrentHashMap<>();

    private Hl7CodeSystems() {
    }

    /** True when the system is a complete HL7 terminology code system that does not contain the code. */
    static boolean isUnknown(String system, String code) {
        if (system == null || code == null || !system.startsWith(THO)) {
            return false;
        }
        Optional<Set<String>> codes = CODES.computeIfAbsent(system, Hl7CodeSystems::load);
        return codes.isPresent() && !codes.get().contains(code);
    }

    private static Optional<Set<String>> load(String system) {
        try {
            IBaseResource r = Support.INSTANCE.fetchCodeSystem(system);
            if (r instanceof CodeSystem cs && cs.getContent() == CodeSystem.CodeSystemContentMode.COMPLETE
                    && cs.hasConcept()) {
                Set<String> codes = new HashSet<>();
                collect(cs.getConcept(), codes);
                return Optional.of(codes);
            }
        } catch (RuntimeException e) {
            // not loadable: not checked
        }
        return Optional.empty();
    }

    private static void collect(List<CodeSystem.ConceptDefinitionComponent> concepts, Set<String> codes) {
        for (CodeSystem.ConceptDefinitionComponent c : concepts) {
            codes.add(c.getCode());
            collect(c.getConcept(), codes);
        }
    }

    private static final class Support {
        static final DefaultProfileValidationSupport INSTANCE =
                new DefaultProfileValidationSupport(FhirContext.forR4Cached());
    }
}
