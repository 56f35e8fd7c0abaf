package health.caravan.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import health.caravan.support.Ack;
import health.caravan.support.Fixtures;
import health.caravan.support.HttpApi;
import health.caravan.support.MllpClient;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;

/** The fixtures computed in another server zone (Europe/London), through both transports on a Caravan set to that zone. */
class ServerTimezoneTest {

    @Test
    void zonedFixturesOverBothTransports() throws Exception {
        TestCaravan.truncatePostgres();
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.timezone", "Europe/London");
        try (TestCaravan caravan = TestCaravan.start(o)) {
            for (Fixtures.Inbound f : Fixtures.inbound()) {
                if (!"Europe/London".equals(f.zone())) {
                    continue;
                }
                JsonNode e = f.expected();
                try (MllpClient client = caravan.mllp()) {
                    assertEquals(e.get("ack_code").asText(), new Ack(client.send(f.bytes())).code(), f.name());
                }
                assertEquals(e.get("sent_at").asText(), sentAt(e.get("message_control_id").asText()), f.name());
                TestCaravan.truncatePostgres();
                HttpApi.Response r = caravan.http.postHl7(Tokens.readWrite(), f.bytes());
                assertEquals(e.get("ack_code").asText(), new Ack(r.ack()).code(), f.name());
                assertEquals(e.get("sent_at").asText(), sentAt(e.get("message_control_id").asText()), f.name());
            }
        }
    }

    private static String sentAt(String controlId) throws Exception {
        try (Connection c = TestCaravan.postgres();
             PreparedStatement ps = c.prepareStatement("SELECT sent_at FROM hl7_message WHERE message_control_id = ?")) {
            ps.setString(1, controlId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
