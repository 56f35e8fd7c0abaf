package health.caravan.transformations.fhir;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;

/**
 * Offline FHIR instance validation (core structure definitions, core value sets checked in memory, UCUM/BCP-47/...
 * through the common code systems; LOINC/SNOMED/RxNorm codes are not checked and give warnings). No remote
 * terminology server is ever contacted.
 *
 * <p>Building one costs little, but the first validation loads the definitions (several seconds): create one per
 * process (or test class) and reuse it; it is thread-safe. Works for any resource of the context's FHIR version.
 */
public final class FhirResourceValidator {

    private final FhirValidator validator;

    public FhirResourceValidator(FhirContext ctx) {
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(ctx),
                new InMemoryTerminologyServerValidationSupport(ctx),
                new CommonCodeSystemsTerminologyService(ctx),
                new SnapshotGeneratingValidationSupport(ctx));
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        this.validator = ctx.newValidator().registerValidatorModule(module);
    }

    /** All messages (any severity), as {@code SEVERITY location: message}. */
    public List<String> messages(IBaseResource resource) {
        List<String> out = new ArrayList<>();
        for (SingleValidationMessage m : validator.validateWithResult(resource).getMessages()) {
            out.add(format(m));
        }
        return out;
    }

    /** The ERROR and FATAL messages, as {@code SEVERITY location: message}; empty when the resource is valid. */
    public List<String> errors(IBaseResource resource) {
        ValidationResult result = validator.validateWithResult(resource);
        List<String> out = new ArrayList<>();
        for (SingleValidationMessage m : result.getMessages()) {
            if (m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL) {
                out.add(format(m));
            }
        }
        return out;
    }

    private static String format(SingleValidationMessage m) {
        return m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage();
    }
}
