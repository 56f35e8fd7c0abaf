package health.caravan.publish;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import health.caravan.store.MessageRecord;
import health.caravan.store.MessageStore;

/**
 * The transactional outbox: accepted messages' payloads are inserted in the same transaction that
 * stores the message, and deleted once the broker has confirmed them. Rows are read in id order, so
 * messages that arrived one after another (a patient's messages on one feed) are published in that order.
 */
public final class OutboxTable implements MessageStore.OutboxWriter {

    private final DataSource dataSource;
    private final PublicationSettings settings;

    public OutboxTable(DataSource dataSource, PublicationSettings settings) {
        this.dataSource = dataSource;
        this.settings = settings;
    }

    @Override
    public void write(Connection c, List<MessageRecord> records) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO outbox_message (message_uuid, exchange_name, routing_key, payload, created) VALUES (?,?,?,?,?)")) {
            int rows = 0;
            for (MessageRecord r : records) {
                if (!r.publishable()) {
                    continue;
                }
                for (String payload : r.outbox) {
                    ps.setString(1, r.uuid);
                    ps.setString(2, settings.exchange());
                    ps.setString(3, settings.routingKey());
                    ps.setString(4, payload);
                    ps.setObject(5, LocalDateTime.ofInstant(r.created, ZoneOffset.UTC));
                    ps.addBatch();
                    rows++;
                }
            }
            if (rows > 0) {
                ps.executeBatch();
            }
        }
    }

    /** The oldest pending rows, in id order. */
    public List<OutboxRow> pending(int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id, message_uuid, exchange_name, routing_key, payload, created FROM outbox_message ORDER BY id")) {
            ps.setMaxRows(limit);
            ps.setFetchSize(limit);
            List<OutboxRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new OutboxRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getObject(6, LocalDateTime.class)));
                }
            }
            return rows;
        }
    }

    /** Removes rows the broker confirmed. */
    public void delete(List<OutboxRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("DELETE FROM outbox_message WHERE id IN (");
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "?" : ",?");
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.append(')').toString())) {
            for (int i = 0; i < rows.size(); i++) {
                ps.setLong(i + 1, rows.get(i).id());
            }
            ps.executeUpdate();
        }
    }

    /** Pending count and the creation time of the oldest pending row (null when none). */
    public record Backlog(long pending, LocalDateTime oldest) {
    }

    public Backlog backlog() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*), min(created) FROM outbox_message");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Backlog(rs.getLong(1), rs.getObject(2, LocalDateTime.class));
        }
    }

    /**
     * Takes or renews the relay lease (one relay per database, whatever the number of replicas).
     *
     * @return true when this owner holds the lease until {@code now + ttlMillis}
     */
    public boolean holdLease(String owner, long ttlMillis) throws SQLException {
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE outbox_relay_lease SET owner = ?, expires_at = ? "
                     + "WHERE id = 1 AND (owner IS NULL OR owner = ? OR expires_at < ?)")) {
            ps.setString(1, owner);
            ps.setObject(2, LocalDateTime.ofInstant(now.plusMillis(ttlMillis), ZoneOffset.UTC));
            ps.setString(3, owner);
            ps.setObject(4, LocalDateTime.ofInstant(now, ZoneOffset.UTC));
            return ps.executeUpdate() == 1;
        }
    }

    public void releaseLease(String owner) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE outbox_relay_lease SET owner = NULL, expires_at = NULL WHERE id = 1 AND owner = ?")) {
            ps.setString(1, owner);
            ps.executeUpdate();
        }
    }
}
