package health.caravan.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import org.junit.jupiter.api.Test;

import health.caravan.support.Ack;
import health.caravan.support.HttpApi;
import health.caravan.support.Messages;
import health.caravan.support.MllpClient;
import health.caravan.support.TcpProxy;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;

/**
 * Store, then acknowledge: with PostgreSQL really unreachable (its connections cut by a proxy) no AA
 * leaves — MLLP closes without an ACK (or answers AE when so configured) and HTTP answers 503.
 */
class DatabaseDownTest {

    private static Map<String, String> throughProxy(TcpProxy proxy) throws Exception {
        URI pg = URI.create(TestCaravan.postgresUrl().substring("jdbc:".length()));
        Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.db.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + pg.getPath()
                + (pg.getQuery() == null ? "" : "?" + pg.getQuery()));
        o.put("caravan.db.connection-timeout-ms", "1000");
        o.put("caravan.store.ack-timeout-ms", "5000");
        return o;
    }

    @Test
    void noAckWithoutStorage() throws Exception {
        URI pg = URI.create(TestCaravan.postgresUrl().substring("jdbc:".length()));
        TestCaravan.truncatePostgres();
        String token = Tokens.readWrite();
        try (TcpProxy proxy = new TcpProxy(pg.getHost(), pg.getPort() < 0 ? 5432 : pg.getPort());
             TestCaravan caravan = TestCaravan.start(throughProxy(proxy))) {
            try (MllpClient client = caravan.mllp()) {
                assertEquals("AA", new Ack(client.send(Messages.a01("DOWN-1", "820001"))).code());
            }

            proxy.cut();
            try (MllpClient client = caravan.mllp()) {
                assertNull(client.send(Messages.a01("DOWN-2", "820002")), "connection closed without an ACK");
            }
            HttpApi.Response r = caravan.http.postHl7(token, Messages.a01("DOWN-3", "820003").getBytes());
            assertEquals(503, r.status(), r.body());
            assertTrue(r.json().get("message").asText().startsWith("Service unavailable"));
            assertEquals(503, caravan.http.get("/dhos/v1/message/search/DOWN-1", token).status());

            proxy.restore();
            String ack = null;
            for (int attempt = 0; attempt < 20 && ack == null; attempt++) {
                try (MllpClient client = caravan.mllp()) {
                    ack = client.send(Messages.a01("DOWN-2", "820002"));
                }
            }
            assertEquals("AA", new Ack(ack).code(), "the resend is accepted once the database is back");
        }
        assertEquals(1, count("DOWN-1"));
        assertEquals(1, count("DOWN-2"));
        assertEquals(0, count("DOWN-3"));
        assertEquals(0, countNonAa());
    }

    @Test
    void nakModeAnswersAe() throws Exception {
        URI pg = URI.create(TestCaravan.postgresUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(pg.getHost(), pg.getPort() < 0 ? 5432 : pg.getPort())) {
            Map<String, String> o = throughProxy(proxy);
            o.put("caravan.mllp.on-store-failure", "nak");
            try (TestCaravan caravan = TestCaravan.start(o)) {
                proxy.cut();
                try (MllpClient client = caravan.mllp()) {
                    Ack ack = new Ack(client.send(Messages.a01("DOWN-NAK", "820004")));
                    assertEquals("AE", ack.code());
                    assertEquals("DOWN-NAK", ack.field("MSA", 2));
                    assertTrue(ack.errText().contains("could not be stored"));
                }
            }
        }
    }

    private static long count(String controlId) throws Exception {
        try (Connection c = TestCaravan.postgres();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM hl7_message WHERE received_control_id = ?")) {
            ps.setString(1, controlId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long countNonAa() throws Exception {
        try (Connection c = TestCaravan.postgres();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM hl7_message WHERE ack_status <> 'AA'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
