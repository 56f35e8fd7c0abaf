package health.caravan.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

import health.caravan.support.TestCaravan;

/**
 * V7 on a database holding messages of the old schema: rows get their sender from their content, and a
 * resend from that sender is still refused by the new unique key while another sender's same id is not.
 */
class SenderScopeMigrationTest {

    @Test
    void existingRowsGetTheirSenderAndKeepTheirDuplicateProtection() throws Exception {
        String database = "caravan_migration_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = TestCaravan.postgres(); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        String url = TestCaravan.postgresUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
        try {
            Flyway.configure().dataSource(url, TestCaravan.postgresUser(), null).locations("classpath:db/migration")
                    .target(MigrationVersion.fromVersion("6")).load().migrate();
            try (Connection c = DriverManager.getConnection(url, TestCaravan.postgresUser(), null)) {
                insertOld(c, "MSH|^~\\&|PAS|HOSP^1.2.3^ISO|CARAVAN|X|20240101||ADT^A01|OLD-1|P|2.3\rPID|1\r", "OLD-1");
                insertOld(c, "not hl7 at all", null);
            }
            Flyway.configure().dataSource(url, TestCaravan.postgresUser(), null).locations("classpath:db/migration")
                    .load().migrate();
            try (Connection c = DriverManager.getConnection(url, TestCaravan.postgresUser(), null)) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT sending_application, sending_facility FROM hl7_message WHERE message_control_id = 'OLD-1'");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals("PAS", rs.getString(1));
                    assertEquals("HOSP^1.2.3^ISO", rs.getString(2));
                }
                insertNew(c, "OLD-1", "OTHER", "HOSP^1.2.3^ISO");
                SQLException refused = null;
                try {
                    insertNew(c, "OLD-1", "PAS", "HOSP^1.2.3^ISO");
                } catch (SQLException e) {
                    refused = e;
                }
                assertEquals("23505", refused == null ? null : refused.getSQLState(), "same sender, same id: refused");
            }
        } finally {
            try (Connection admin = TestCaravan.postgres(); Statement s = admin.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    private static void insertOld(Connection c, String content, String controlId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hl7_message (uuid, created, created_by, modified, "
                + "modified_by, content, is_processed, src_description, dst_description, message_control_id, "
                + "has_identifiers, state, transport) VALUES (?,?,?,?,?,?,false,'tie','dhos',?,false,'ACCEPTED','MLLP')")) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setObject(2, LocalDateTime.now());
            ps.setString(3, "test");
            ps.setObject(4, LocalDateTime.now());
            ps.setString(5, "test");
            ps.setString(6, content);
            ps.setString(7, controlId);
            ps.executeUpdate();
        }
    }

    private static void insertNew(Connection c, String controlId, String application, String facility) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hl7_message (uuid, created, created_by, modified, "
                + "modified_by, content, is_processed, src_description, dst_description, message_control_id, "
                + "has_identifiers, state, transport, sending_application, sending_facility) "
                + "VALUES (?,?,?,?,?,'x',false,'tie','dhos',?,false,'ACCEPTED','MLLP',?,?)")) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setObject(2, LocalDateTime.now());
            ps.setString(3, "test");
            ps.setObject(4, LocalDateTime.now());
            ps.setString(5, "test");
            ps.setString(6, controlId);
            ps.setString(7, application);
            ps.setString(8, facility);
            ps.executeUpdate();
        }
    }
}
