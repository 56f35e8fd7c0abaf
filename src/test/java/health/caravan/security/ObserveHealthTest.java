package health.caravan.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import health.caravan.support.HttpApi;
import health.caravan.support.TestCaravan;

/** /observe/health on the public port: one line by default, each check's details only when configured. */
class ObserveHealthTest {

    @Test
    void oneLineStatusByDefaultWhateverTheQuery() throws Exception {
        try (TestCaravan caravan = TestCaravan.startOnPostgres()) {
            for (String path : new String[] {"/observe/health", "/observe/health/live", "/observe/health/ready",
                    "/observe/health?exposureLevel=full&data=true&stackTrace=true",
                    "/observe/health/ready?exposureLevel=full&data=true"}) {
                HttpApi.Response r = caravan.http.get(path, null);
                assertEquals(200, r.status(), path);
                assertEquals("{\"status\":\"UP\"}", r.body(), path);
            }
        }
    }

    @Test
    void detailsWhenConfigured() throws Exception {
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.observe.health-details", "true");
        try (TestCaravan caravan = TestCaravan.start(o)) {
            HttpApi.Response r = caravan.http.get("/observe/health", null);
            assertEquals(200, r.status());
            JsonNode health = r.json();
            assertEquals("UP", health.get("status").asText());
            Set<String> names = new HashSet<>();
            for (JsonNode check : health.get("checks")) {
                names.add(check.get("name").asText());
                assertTrue(check.has("status") && check.has("data"), check.toString());
            }
            assertTrue(names.contains("outbox") && names.contains("context"), names.toString());
            assertTrue(caravan.http.get("/observe/metrics", null).body().contains("caravan_outbox_pending"),
                    "metrics are still served");
        }
    }
}
