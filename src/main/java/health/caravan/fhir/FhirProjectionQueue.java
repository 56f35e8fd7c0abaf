package health.caravan.fhir;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import health.caravan.store.MessageRecord;
import health.caravan.store.MessageStore;

/**
 * {@code fhir_projection}: accepted ADT messages owed to the FHIR store. A row is written in the same
 * transaction that stores the message (so an acknowledged message is never missed), claimed by one
 * projector at a time, and deleted in the transaction that saves its resources.
 */
public final class FhirProjectionQueue implements MessageStore.OutboxWriter {

    /** A queued message. */
    public record Item(long id, String messageUuid, int attempts, LocalDateTime nextAttemptAt) {
    }

    private final DataSource dataSource;

    public FhirProjectionQueue(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void write(Connection c, List<MessageRecord> records) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO fhir_projection (message_uuid, created, attempts, next_attempt_at) VALUES (?,?,0,?)")) {
            int rows = 0;
            for (MessageRecord r : records) {
                if (r.publishable()) {
                    LocalDateTime at = LocalDateTime.ofInstant(r.created, ZoneOffset.UTC);
                    ps.setString(1, r.uuid);
                    ps.setObject(2, at);
                    ps.setObject(3, at);
                    ps.addBatch();
                    rows++;
                }
            }
            if (rows > 0) {
                ps.executeBatch();
            }
        }
    }

    /**
     * Due rows in id (arrival) order, up to the first row that is waiting for a retry (or claimed by another
     * process): a later message of the same patient must not be projected before an earlier one. Rows set
     * aside (never to be retried) do not hold the queue up.
     */
    public List<Item> due(int limit) throws SQLException {
        LocalDateTime now = now();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, message_uuid, attempts, next_attempt_at FROM fhir_projection WHERE next_attempt_at < ? ORDER BY id")) {
            ps.setObject(1, SET_ASIDE);
            ps.setMaxRows(limit);
            List<Item> items = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Item item = new Item(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getObject(4, LocalDateTime.class));
                    if (item.nextAttemptAt().isAfter(now)) {
                        break;
                    }
                    items.add(item);
                }
            }
            return items;
        }
    }

    /** Takes the row for this process for {@code seconds} (false when another process took it first). */
    public boolean claim(Item item, long seconds) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE fhir_projection SET next_attempt_at = ? WHERE id = ? AND next_attempt_at = ?")) {
            ps.setObject(1, now().plusSeconds(seconds));
            ps.setLong(2, item.id());
            ps.setObject(3, item.nextAttemptAt());
            return ps.executeUpdate() == 1;
        }
    }

    /** Removes the row, in the transaction that saved the message's resources. */
    public void done(Connection c, Item item) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM fhir_projection WHERE id = ?")) {
            ps.setLong(1, item.id());
            ps.executeUpdate();
        }
    }

    /** Records a failed attempt; the row is tried again at {@code retryAt}. */
    public void failed(Item item, String error, LocalDateTime retryAt) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE fhir_projection SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?")) {
            ps.setString(1, error.length() > 500 ? error.substring(0, 500) : error);
            ps.setObject(2, retryAt);
            ps.setLong(3, item.id());
            ps.executeUpdate();
        }
    }

    /** Rows waiting (due or not), and rows set aside because their message cannot be mapped. */
    public long[] counts() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*), SUM(CASE WHEN next_attempt_at >= ? THEN 1 ELSE 0 END) FROM fhir_projection")) {
            ps.setObject(1, SET_ASIDE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    /** The retry time of a row whose message can never be mapped (kept for inspection, never retried). */
    public static final LocalDateTime SET_ASIDE = LocalDateTime.of(9999, 1, 1, 0, 0);

    static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }
}
