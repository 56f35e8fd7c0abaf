package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import health.caravan.hl7.Hl7Text;
import health.caravan.hl7.NotHl7Exception;
import health.caravan.store.MessageStore;

/**
 * {@code hl7_message} gains the received bytes ({@code raw_content}, kept when the text cannot hold them,
 * e.g. a NUL) and the sender (MSH-3, MSH-4), and duplicates are found by (MSH-10, MSH-3, MSH-4) instead of
 * MSH-10 alone. Rows already stored get their sender from their content, so a resend of a message
 * received before the upgrade is still found as a duplicate.
 */
public class V7__hl7_message_bytes_and_sender extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        try (Statement st = c.createStatement()) {
            st.execute("ALTER TABLE hl7_message ADD COLUMN raw_content " + (postgres ? "BYTEA" : "VARBINARY"));
            st.execute("ALTER TABLE hl7_message ADD COLUMN sending_application VARCHAR(255)");
            st.execute("ALTER TABLE hl7_message ADD COLUMN sending_facility VARCHAR(255)");
        }
        backfillSenders(c);
        try (Statement st = c.createStatement()) {
            // one index, as before: its leading column still serves searches by control id alone
            st.execute("DROP INDEX ix_hl7_message_message_control_id");
            st.execute("CREATE UNIQUE INDEX ix_hl7_message_control_id_sender "
                    + "ON hl7_message (message_control_id, sending_application, sending_facility)");
        }
    }

    private static void backfillSenders(Connection c) throws Exception {
        record Row(String uuid, String application, String facility) {
        }
        List<Row> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT uuid, content FROM hl7_message WHERE message_control_id IS NOT NULL")) {
            while (rs.next()) {
                String[] sender = sender(rs.getString(2));
                rows.add(new Row(rs.getString(1), sender[0], sender[1]));
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE hl7_message SET sending_application = ?, sending_facility = ? WHERE uuid = ?")) {
            int n = 0;
            for (Row r : rows) {
                ps.setString(1, MessageStore.senderPart(r.application()));
                ps.setString(2, MessageStore.senderPart(r.facility()));
                ps.setString(3, r.uuid());
                ps.addBatch();
                if (++n % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /** MSH-3 and MSH-4 of the stored text as the inbound pipeline reads them ("" when absent or not HL7). */
    static String[] sender(String content) {
        try {
            Hl7Text message = Hl7Text.parse(content);
            return new String[] {message.rawField("MSH", 3), message.rawField("MSH", 4)};
        } catch (NotHl7Exception e) {
            return new String[] {"", ""};
        }
    }
}
