package health.caravan.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import health.caravan.store.MessageRecord;
import health.caravan.store.MessageStore;
import health.caravan.store.StoreUnavailableException;
import health.caravan.store.TimeOrderedUuid;

/** The {@code delivery} and {@code delivery_attempt} tables, and the outbound message rows they deliver. */
public final class DeliveryStore {

    private static final String COLUMNS = "d.id, d.message_uuid, d.kind, d.state, d.attempts, d.next_attempt_at, d.last_error, "
            + "d.created, d.modified, d.delivered_at, m.message_control_id";

    private final DataSource dataSource;

    public DeliveryStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public record Delivery(String id, String messageUuid, String kind, String state, int attempts,
                           LocalDateTime nextAttemptAt, String lastError, LocalDateTime created,
                           LocalDateTime modified, LocalDateTime deliveredAt, String messageControlId) {
    }

    public record AttemptRow(LocalDateTime at, String outcome, Integer httpStatus, String detail) {
    }

    /** Thrown when the outbound message's control id is already stored. */
    public static final class AlreadyStored extends Exception {
        AlreadyStored() {
            super("control id already stored");
        }
    }

    static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }

    /**
     * Stores the outbound message row and a PENDING delivery in one transaction. The first attempt is
     * made by the caller right away; the retrier only takes the delivery after {@code firstAttemptAfter}
     * (so it picks it up if this process dies during that attempt).
     */
    public String create(MessageRecord message, String kind, LocalDateTime firstAttemptAfter) throws AlreadyStored {
        String id = TimeOrderedUuid.next().toString();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                MessageStore.insertRows(c, List.of(message));
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO delivery (id, message_uuid, kind, state, attempts, "
                        + "next_attempt_at, created, modified) VALUES (?,?,?,'PENDING',0,?,?,?)")) {
                    LocalDateTime now = now();
                    ps.setString(1, id);
                    ps.setString(2, message.uuid);
                    ps.setString(3, kind);
                    ps.setObject(4, firstAttemptAfter);
                    ps.setObject(5, now);
                    ps.setObject(6, now);
                    ps.executeUpdate();
                }
                c.commit();
                return id;
            } catch (SQLException e) {
                c.rollback();
                if (MessageStore.isUniqueViolation(e)) {
                    throw new AlreadyStored();
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("delivery store unavailable", e);
        }
    }

    /** Stores a message row that will not be delivered (e.g. a CDA document that failed validation). */
    public void storeOnly(MessageRecord message) {
        try (Connection c = dataSource.getConnection()) {
            MessageStore.insertRows(c, List.of(message));
        } catch (SQLException e) {
            throw new StoreUnavailableException("delivery store unavailable", e);
        }
    }

    /**
     * Stores a request that was refused before anything was built or sent (bad JSON, missing fields,
     * no target), so it can be found later; returns the row's uuid.
     */
    public String storeRefused(String content, String destination, String listener, String caller, String reason) {
        MessageRecord r = new MessageRecord();
        r.uuid = TimeOrderedUuid.next().toString();
        r.created = java.time.Instant.now();
        r.createdBy = caller;
        r.content = content;
        r.srcDescription = "dhos";
        r.dstDescription = destination;
        r.state = health.caravan.store.MessageState.INVALID_REQUEST;
        r.errorText = reason;
        r.transport = "HTTP";
        r.listener = listener;
        storeOnly(r);
        return r.uuid;
    }

    public Optional<Delivery> byControlId(String controlId) {
        List<Delivery> rows = query("SELECT " + COLUMNS + " FROM delivery d JOIN hl7_message m ON m.uuid = d.message_uuid "
                + "WHERE m.message_control_id = ?", controlId);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public Optional<Delivery> get(String id) {
        List<Delivery> rows = query("SELECT " + COLUMNS + " FROM delivery d JOIN hl7_message m ON m.uuid = d.message_uuid "
                + "WHERE d.id = ?", id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public List<Delivery> list(String state) {
        return query("SELECT " + COLUMNS + " FROM delivery d JOIN hl7_message m ON m.uuid = d.message_uuid "
                + "WHERE d.state = ? ORDER BY d.created DESC", state);
    }

    /** PENDING deliveries of these kinds (ORU, CDA) whose next attempt is due. */
    public List<Delivery> due(int limit, List<String> kinds) {
        List<Object> parameters = new ArrayList<>();
        parameters.add(now());
        parameters.addAll(kinds);
        List<Delivery> rows = query("SELECT " + COLUMNS + " FROM delivery d JOIN hl7_message m ON m.uuid = d.message_uuid "
                + "WHERE d.state = 'PENDING' AND d.next_attempt_at <= ? AND d.kind IN ("
                + String.join(",", java.util.Collections.nCopies(kinds.size(), "?")) + ") ORDER BY d.next_attempt_at",
                parameters.toArray());
        return rows.size() > limit ? rows.subList(0, limit) : rows;
    }

    /**
     * A delivery whose target is not configured: stays PENDING and due now (so it goes as soon as a
     * process with the target runs), with the reason as its last error; no attempt is counted.
     */
    public void waitForTarget(Delivery d, String reason) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE delivery SET next_attempt_at = ?, last_error = ?, modified = ? "
                     + "WHERE id = ? AND state = 'PENDING'")) {
            LocalDateTime now = now();
            ps.setObject(1, now);
            ps.setString(2, reason);
            ps.setObject(3, now);
            ps.setString(4, d.id());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreUnavailableException("delivery store unavailable", e);
        }
    }

    /** Takes a due delivery for one attempt (another replica that read it too loses the race). */
    public boolean claim(Delivery d, LocalDateTime until) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE delivery SET next_attempt_at = ? "
                     + "WHERE id = ? AND state = 'PENDING' AND attempts = ?")) {
            ps.setObject(1, until);
            ps.setString(2, d.id());
            ps.setInt(3, d.attempts());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreUnavailableException("delivery store unavailable", e);
        }
    }

    /**
     * Records an attempt and the delivery's new state; on success also stores the returned ACK on the
     * message row and marks it processed.
     */
    public void recordAttempt(Delivery d, Attempt a, String newState, LocalDateTime nextAttemptAt) {
        LocalDateTime now = now();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement attempt = c.prepareStatement("INSERT INTO delivery_attempt (delivery_id, at, outcome, http_status, detail) VALUES (?,?,?,?,?)");
                 PreparedStatement delivery = c.prepareStatement("UPDATE delivery SET state = ?, attempts = attempts + 1, next_attempt_at = ?, "
                         + "last_error = ?, modified = ?, delivered_at = ? WHERE id = ?")) {
                attempt.setString(1, d.id());
                attempt.setObject(2, now);
                attempt.setString(3, a.outcome());
                attempt.setObject(4, a.httpStatus());
                attempt.setString(5, a.detail());
                attempt.executeUpdate();
                delivery.setString(1, newState);
                delivery.setObject(2, nextAttemptAt);
                delivery.setString(3, a.delivered() ? null : a.detail());
                delivery.setObject(4, now);
                delivery.setObject(5, a.delivered() ? now : null);
                delivery.setString(6, d.id());
                delivery.executeUpdate();
                if (a.delivered()) {
                    try (PreparedStatement message = c.prepareStatement("UPDATE hl7_message SET ack = ?, ack_status = ?, "
                            + "is_processed = ?, modified = ? WHERE uuid = ?")) {
                        message.setString(1, a.ack());
                        message.setString(2, ackStatus(a.ack()));
                        message.setBoolean(3, true);
                        message.setObject(4, now);
                        message.setString(5, d.messageUuid());
                        message.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("delivery store unavailable", e);
        }
    }

    /** MSA-1 of an ACK, or null. */
    static String ackStatus(String ack) {
        if (ack == null) {
            return null;
        }
        for (String segment : ack.split("[\r\n]+")) {
            if (segment.startsWith("MSA") && segment.length() > 4) {
                String[] f = segment.split(java.util.regex.Pattern.quote(String.valueOf(segment.charAt(3))), -1);
                return f.length > 1 ? f[1] : null;
            }
        }
        return null;
    }

    /** Puts a dead-lettered delivery back in the queue, due now. */
    public boolean retry(String id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE delivery SET state = 'PENDING', next_attempt_at = ?, modified = ? "
                     + "WHERE id = ? AND state = 'DEAD'")) {
            ps.setObject(1, now());
            ps.setObject(2, now());
            ps.setString(3, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreUnavailableException("delivery store unavailable", e);
        }
    }

    public List<AttemptRow> attempts(String id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT at, outcome, http_status, detail FROM delivery_attempt "
                     + "WHERE delivery_id = ? ORDER BY id")) {
            ps.setString(1, id);
            List<AttemptRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new AttemptRow(rs.getObject(1, LocalDateTime.class), rs.getString(2),
                            (Integer) rs.getObject(3), rs.getString(4)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreUnavailableException("delivery store unavailable", e);
        }
    }

    /** The outbound message text. */
    public String content(String messageUuid) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT content FROM hl7_message WHERE uuid = ?")) {
            ps.setString(1, messageUuid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("delivery store unavailable", e);
        }
    }

    private List<Delivery> query(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            List<Delivery> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            rs.getObject(6, LocalDateTime.class), rs.getString(7), rs.getObject(8, LocalDateTime.class),
                            rs.getObject(9, LocalDateTime.class), rs.getObject(10, LocalDateTime.class), rs.getString(11)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreUnavailableException("delivery store unavailable", e);
        }
    }
}
