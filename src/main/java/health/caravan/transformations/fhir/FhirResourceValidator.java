package health.caravan.transformations.fhir;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirDefaultPolicyAdvisor;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r5.elementmodel.Element;
import org.hl7.fhir.r5.model.ElementDefinition;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.utils.validation.IMessagingServices;
import org.hl7.fhir.r5.utils.validation.IResourceValidator;
import org.hl7.fhir.r5.utils.validation.constants.ReferenceValidationPolicy;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.instance.advisor.BasePolicyAdvisorForFullValidation;

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
 * <p>Unlike HAPI's default, the core profiles that FHIR R4 <em>implies</em> are applied: an Observation with a vital-sign
 * LOINC code (8867-4 heart rate, 85354-9 blood pressure, 85353-1 panel, ...) must conform to the R4 vital-signs
 * profiles (category, UCUM unit such as {@code /min}, effective time...), as the R4 specification requires.
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
        module.setValidatorPolicyAdvisor(new ImpliedProfilesPolicyAdvisor());
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

    /** HAPI's default policy (references not followed, ...) plus the implied core profiles of the validator. */
    private static final class ImpliedProfilesPolicyAdvisor extends FhirDefaultPolicyAdvisor {

        private final BasePolicyAdvisorForFullValidation full =
                new BasePolicyAdvisorForFullValidation(ReferenceValidationPolicy.IGNORE);

        @Override
        public List<StructureDefinition> getImpliedProfilesForResource(IResourceValidator validator, Object appContext,
                String stackPath, ElementDefinition definition, StructureDefinition structure, Element resource,
                boolean valid, IMessagingServices msgs, List<ValidationMessage> messages) {
            return full.getImpliedProfilesForResource(validator, appContext, stackPath, definition, structure, resource,
                    valid, msgs, messages);
        }
    }
}
