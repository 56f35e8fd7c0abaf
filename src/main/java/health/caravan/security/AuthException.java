package health.caravan.security;

/** Authentication (401) or authorisation (403) failure; the message is safe to return to the caller. */
public class AuthException extends RuntimeException {

    private final int status;

    public AuthException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
