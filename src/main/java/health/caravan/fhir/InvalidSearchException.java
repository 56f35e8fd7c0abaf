package health.caravan.fhir;

/** A search request Caravan cannot answer as asked (answered with a 400 OperationOutcome). */
public final class InvalidSearchException extends RuntimeException {

    public InvalidSearchException(String message) {
        super(message);
    }
}
