package health.caravan.inbound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import health.caravan.support.Ack;
import health.caravan.support.HttpApi;
import health.caravan.support.Messages;
import health.caravan.support.MllpClient;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;

/**
 * Bad bytes never leave a sender stuck (PostgreSQL): a NUL, a value longer than its column, a byte-order
 * mark; and control ids are unique per sender (MSH-3, MSH-4), not across every sender.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboundHardeningTest {

    private TestCaravan caravan;
    private final String token = Tokens.readWrite();

    @BeforeAll
    void start() throws Exception {
        caravan = TestCaravan.startOnPostgres();
    }

    @AfterAll
    void stop() throws Exception {
        caravan.close();
    }

    @BeforeEach
    void emptyTables() throws Exception {
        TestCaravan.truncatePostgres();
    }

    private static byte[] withNulInName(String controlId) {
        String text = Messages.a01(controlId, "NUL" + controlId).replace("TESTPATIENT^ALPHA", "TEST\u0000PATIENT^ALPHA");
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void nulInNameOverMllpIsStoredWithItsBytesAndAcknowledged() throws Exception {
        byte[] message = withNulInName("NUL-1");
        String ack;
        try (MllpClient client = caravan.mllp()) {
            ack = client.send(message);
            assertNotNull(ack, "an ACK, not a closed connection");
            // the connection stays usable
            assertEquals("AA", new Ack(client.send(Messages.a01("NUL-2", "M2"))).code());
        }
        assertEquals("AA", new Ack(ack).code());
        assertEquals("NUL-1", new Ack(ack).field("MSA", 2));
        try (Connection c = TestCaravan.postgres();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT content, raw_content, state FROM hl7_message WHERE received_control_id = 'NUL-1'")) {
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertTrue(rs.getString(1).contains("TEST\uFFFDPATIENT"), "text where it can be decoded");
                assertArrayEquals(message, rs.getBytes(2), "the bytes exactly as received");
                assertEquals("ACCEPTED", rs.getString(3));
            }
        }
    }

    @Test
    void nulOverHttpIsStoredAndAnswered() throws Exception {
        HttpApi.Response r = caravan.http.postHl7(token, withNulInName("NUL-3"));
        assertEquals(200, r.status(), r.body());
        assertEquals("AA", new Ack(r.ack()).code());

        // a body that is not JSON and holds NUL: a 400 with its uuid, not a 503
        HttpApi.Response junk = caravan.http.send("POST", "/dhos/v1/message", token, "{\"type\":\u0000\"x\"}");
        assertEquals(400, junk.status(), junk.body());
        String uuid = junk.json().get("uuid").asText();
        try (Connection c = TestCaravan.postgres();
             PreparedStatement ps = c.prepareStatement("SELECT raw_content, state FROM hl7_message WHERE uuid = ?")) {
            ps.setString(1, uuid);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertArrayEquals("{\"type\":\u0000\"x\"}".getBytes(StandardCharsets.UTF_8), rs.getBytes(1));
                assertEquals("INVALID_REQUEST", rs.getString(2));
            }
        }
    }

    @Test
    void aValueTheDatabaseRefusesIsAnsweredAeAndKeptAsBytes() throws Exception {
        // MSH-10 longer than its column (255): a data error, not an outage
        String controlId = "C".repeat(300);
        byte[] message = Messages.a01(controlId, "LONG1").getBytes(StandardCharsets.ISO_8859_1);
        String ack;
        try (MllpClient client = caravan.mllp()) {
            ack = client.send(message);
        }
        assertNotNull(ack, "an ACK, not a closed connection");
        Ack parsed = new Ack(ack);
        assertEquals("AE", parsed.code());
        assertEquals(controlId, parsed.field("MSA", 2));
        try (Connection c = TestCaravan.postgres();
             PreparedStatement ps = c.prepareStatement("SELECT raw_content, state, error_text, ack FROM hl7_message")) {
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertArrayEquals(message, rs.getBytes(1));
                assertEquals("ERROR", rs.getString(2));
                assertTrue(rs.getString(3).contains("SQLState 22001"), rs.getString(3));
                assertEquals(ack, rs.getString(4));
            }
        }
        HttpApi.Response r = caravan.http.postHl7(token, Messages.a01("D".repeat(300), "LONG2").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(200, r.status(), r.body());
        assertEquals("AE", new Ack(r.ack()).code());
    }

    @Test
    void aBatchWithOneRefusedMessageStoresTheOthersNormally() throws Exception {
        // pipelined on one connection: the store's group commit sees them together
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < 20; i++) {
            String id = i == 7 ? "X".repeat(300) : "BATCH-" + i;
            frames.writeBytes(MllpClient.frame(Messages.a01(id, "B" + i).getBytes(StandardCharsets.ISO_8859_1)));
        }
        try (MllpClient client = caravan.mllp()) {
            client.sendRaw(frames.toByteArray());
            for (int i = 0; i < 20; i++) {
                String ack = client.readAck(StandardCharsets.ISO_8859_1);
                assertNotNull(ack, "ACK " + i);
                assertEquals(i == 7 ? "AE" : "AA", new Ack(ack).code(), "ACK " + i);
            }
        }
        try (Connection c = TestCaravan.postgres();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM hl7_message WHERE state = 'ACCEPTED'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertEquals(19, rs.getInt(1));
        }
    }

    @Test
    void aLeadingByteOrderMarkIsIgnored() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] message = Messages.a01("BOM-1", "BOM1").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream withBom = new ByteArrayOutputStream();
        withBom.writeBytes(bom);
        withBom.writeBytes(message);
        try (MllpClient client = caravan.mllp()) {
            Ack ack = new Ack(client.send(withBom.toByteArray()));
            assertEquals("AA", ack.code());
            assertEquals("BOM-1", ack.field("MSA", 2));
        }
        ByteArrayOutputStream overHttp = new ByteArrayOutputStream();
        overHttp.writeBytes(bom);
        overHttp.writeBytes(Messages.a01("BOM-2", "BOM2").getBytes(StandardCharsets.UTF_8));
        HttpApi.Response r = caravan.http.postHl7(token, overHttp.toByteArray());
        assertEquals(200, r.status(), r.body());
        Ack ack = new Ack(r.ack());
        assertEquals("AA", ack.code());
        assertEquals("BOM-2", ack.field("MSA", 2));
        try (Connection c = TestCaravan.postgres();
             PreparedStatement ps = c.prepareStatement("SELECT content, raw_content FROM hl7_message WHERE received_control_id = 'BOM-2'");
             ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertTrue(rs.getString(1).startsWith("MSH|"));
            assertNull(rs.getBytes(2), "nothing lost: the text holds the message");
        }
    }

    @Test
    void controlIdsAreUniquePerSender() throws Exception {
        String fromPas = Messages.a01("SEQ-100", "P1");
        String fromElsewhere = fromPas.replace("|SYNTH_EPR|SYNTHHOSP|", "|ROGUE|ELSEWHERE|");
        try (MllpClient client = caravan.mllp()) {
            assertEquals("AA", new Ack(client.send(fromElsewhere)).code(), "another sender's id space");
            assertEquals("AA", new Ack(client.send(fromPas)).code(), "the PAS's message is not pre-empted");
            Ack again = new Ack(client.send(fromPas));
            assertEquals("AR", again.code(), "a resend from the same sender is a duplicate");
        }
        try (Connection c = TestCaravan.postgres();
             PreparedStatement ps = c.prepareStatement("SELECT state FROM hl7_message ORDER BY created");
             ResultSet rs = ps.executeQuery()) {
            StringBuilder states = new StringBuilder();
            while (rs.next()) {
                states.append(rs.getString(1)).append(' ');
            }
            assertEquals("ACCEPTED ACCEPTED DUPLICATE ", states.toString());
        }
    }
}
