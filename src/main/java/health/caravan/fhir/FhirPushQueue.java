package health.caravan.fhir;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/**
 * {@code fhir_push}: transaction Bundles owed to the external FHIR server, written in the transaction that
 * updates Caravan's own store and delivered in id order (PENDING → DELIVERED, or DEAD after a refusal or
 * the last attempt).
 */
public final class FhirPushQueue {

    /** A Bundle waiting to be sent. */
    public record Item(long id, String messageUuid, String bundle, int attempts, LocalDateTime nextAttemptAt) {
    }

    private final DataSource dataSource;

    public FhirPushQueue(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void add(Connection c, String messageUuid, String bundleJson) throws SQLException {
        LocalDateTime now = FhirProjectionQueue.now();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO fhir_push (message_uuid, bundle, state, attempts, "
                + "next_attempt_at, created, modified) VALUES (?,?,'PENDING',0,?,?,?)")) {
            ps.setString(1, messageUuid);
            ps.setString(2, bundleJson);
            ps.setObject(3, now);
            ps.setObject(4, now);
            ps.setObject(5, now);
            ps.executeUpdate();
        }
    }

    /**
     * The oldest pending Bundles in id order, up to the first one not yet due: a Bundle waiting for its
     * retry holds back the later ones, so a patient's updates reach the server in the order they arrived.
     */
    public List<Item> due(int limit) throws SQLException {
        LocalDateTime now = FhirProjectionQueue.now();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, message_uuid, bundle, attempts, next_attempt_at FROM fhir_push WHERE state = 'PENDING' ORDER BY id")) {
            ps.setMaxRows(limit);
            List<Item> items = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Item item = new Item(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            rs.getObject(5, LocalDateTime.class));
                    if (item.nextAttemptAt().isAfter(now)) {
                        break;
                    }
                    items.add(item);
                }
            }
            return items;
        }
    }

    /** Takes the Bundle for this process for {@code seconds} (false when another process took it first). */
    public boolean claim(Item item, long seconds) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE fhir_push SET next_attempt_at = ? WHERE id = ? AND state = 'PENDING' AND next_attempt_at = ?")) {
            ps.setObject(1, FhirProjectionQueue.now().plusSeconds(seconds));
            ps.setLong(2, item.id());
            ps.setObject(3, item.nextAttemptAt());
            return ps.executeUpdate() == 1;
        }
    }

    /** Records an attempt: {@code state} DELIVERED, PENDING (with {@code retryAt}) or DEAD. */
    public void attempted(Item item, String state, Integer httpStatus, String error, LocalDateTime retryAt) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE fhir_push SET state = ?, attempts = attempts + 1, http_status = ?, last_error = ?, "
                        + "next_attempt_at = ?, modified = ? WHERE id = ?")) {
            ps.setString(1, state);
            ps.setObject(2, httpStatus);
            ps.setString(3, error == null || error.length() <= 500 ? error : error.substring(0, 500));
            ps.setObject(4, retryAt);
            ps.setObject(5, FhirProjectionQueue.now());
            ps.setLong(6, item.id());
            ps.executeUpdate();
        }
    }

    /** How many Bundles are in a state. */
    public long count(String state) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM fhir_push WHERE state = ?")) {
            ps.setString(1, state);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
