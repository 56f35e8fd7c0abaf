package health.caravan.security;

import health.caravan.web.ApiException;

/** Authentication (401) or authorisation (403) failure; the message is safe to return to the caller. */
public class AuthException extends ApiException {

    public AuthException(int status, String message) {
        super(status, message);
    }
}
