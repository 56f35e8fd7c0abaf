package health.caravan.transformations.fhir;

/**
 * The input cannot be converted: it is not XML, not an HL7 v3 {@code ClinicalDocument}, or lacks something the
 * FHIR document cannot do without (the patient). The message says what is wrong in terms safe to show to a client:
 * it never contains patient data or input text, at most a line and column number.
 */
public class CcdaConversionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CcdaConversionException(String message) {
        super(message);
    }

    public CcdaConversionException(String message, Throwable cause) {
        super(message, cause);
    }
}
