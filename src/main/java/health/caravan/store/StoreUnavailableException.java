package health.caravan.store;

/** The message could not be stored (database unreachable, timeout): no AA may be sent. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
