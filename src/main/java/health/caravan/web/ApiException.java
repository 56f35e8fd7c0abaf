package health.caravan.web;

/** An HTTP API error: status plus a message safe to show to the caller (never PHI). */
public class ApiException extends RuntimeException {

    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
