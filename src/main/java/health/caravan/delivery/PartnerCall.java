package health.caravan.delivery;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** One HTTP call to a partner system: either its response, or the transient attempt a network failure is. */
record PartnerCall(HttpResponse<String> response, Attempt failure) {

    static PartnerCall send(HttpClient http, HttpRequest request, Duration timeout) {
        try {
            return new PartnerCall(http.send(request, HttpResponse.BodyHandlers.ofString()), null);
        } catch (HttpTimeoutException e) {
            return new PartnerCall(null, new Attempt(Attempt.TRANSIENT, null, "timed out after " + timeout.toSeconds() + " s", null));
        } catch (IOException e) {
            return new PartnerCall(null, new Attempt(Attempt.TRANSIENT, null, "connection failed: " + e.getClass().getSimpleName(), null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PartnerCall(null, new Attempt(Attempt.TRANSIENT, null, "interrupted", null));
        }
    }
}
