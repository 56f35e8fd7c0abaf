package health.caravan.web;

import java.util.Map;

/** What an API service answers: an HTTP status and a JSON body (null for none). */
public record ApiAnswer(int status, Map<String, Object> body) {
}
