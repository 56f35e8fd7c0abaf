package health.caravan.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code hl7_message} table. Writes go through a group commit: callers on many connections hand
 * their record to a small pool of writer threads, each of which stores everything waiting in one
 * transaction (batch insert, outbox rows, commit) and only then completes the callers' futures. One
 * fsync then covers many messages, which is how durable ingest stays fast. Duplicates are found by the
 * unique index on (control id, sending application, sending facility): a batch that hits it is rolled
 * back and written again one message at a time, each first checking whether its key is taken (then it
 * is stored as a duplicate, AR).
 *
 * <p>A value the database refuses (SQLState class 22 or 23, e.g. a field longer than its column) is a
 * data error, not an outage: the batch is written again one message at a time and the refused message is
 * stored reduced to its received bytes, state ERROR, answered AE. Only an outage fails the callers.
 */
public final class MessageStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MessageStore.class);

    private static final String COLUMNS = "uuid, created, created_by, modified, modified_by, content, message_type, sent_at, "
            + "is_processed, src_description, dst_description, message_control_id, received_control_id, ack, ack_status, "
            + "nhs_number, mrn, visit_id, has_identifiers, state, error_text, transport, listener, remote_address, charset, "
            + "raw_content, sending_application, sending_facility";
    private static final String INSERT = "INSERT INTO hl7_message (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    private static final String SELECT = "SELECT uuid, created, created_by, modified, modified_by, content, message_type, sent_at, "
            + "is_processed, src_description, dst_description, message_control_id, ack_status, nhs_number, mrn, visit_id, "
            + "has_identifiers, state, transport FROM hl7_message ";

    private final DataSource dataSource;
    private final BlockingQueue<Pending> queue;
    private final int maxBatch;
    private final List<Thread> writers = new ArrayList<>();
    private final List<OutboxWriter> outboxWriters = new ArrayList<>();
    private final List<Runnable> commitListeners = new ArrayList<>();
    private volatile boolean running = true;
    private final long queueMaxBytes;
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();

    /** Something else written in the same transaction as the messages (e.g. the publication outbox). */
    public interface OutboxWriter {
        void write(Connection connection, List<MessageRecord> committedRecords) throws SQLException;
    }

    private record Pending(MessageRecord record, CompletableFuture<StoreOutcome> future, long size) {
    }

    /** What a waiting record holds in memory, roughly: its text and its received bytes. */
    private static long size(MessageRecord r) {
        return (r.content == null ? 0 : r.content.length()) + (r.received == null ? 0 : r.received.length);
    }

    /** Characters and bytes of the messages waiting for a writer. */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    public MessageStore(DataSource dataSource, int writerThreads, int maxBatch, int queueCapacity) {
        this(dataSource, writerThreads, maxBatch, queueCapacity, Long.MAX_VALUE);
    }

    /**
     * @param queueMaxBytes the waiting room is full when the messages in it hold this many characters and
     *                      bytes (as well as when it holds {@code queueCapacity} messages)
     */
    public MessageStore(DataSource dataSource, int writerThreads, int maxBatch, int queueCapacity, long queueMaxBytes) {
        this.queueMaxBytes = queueMaxBytes;
        this.dataSource = dataSource;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        for (int i = 0; i < writerThreads; i++) {
            Thread t = new Thread(this::writeLoop, "caravan-store-writer-" + i);
            t.setDaemon(true);
            t.start();
            writers.add(t);
        }
    }

    public void addOutboxWriter(OutboxWriter writer) {
        outboxWriters.add(writer);
    }

    /** Runs after every commit (e.g. to wake the outbox relay). */
    public void addCommitListener(Runnable listener) {
        commitListeners.add(listener);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Queues the record for the next group commit; the future completes once it is committed (or failed). */
    public CompletableFuture<StoreOutcome> store(MessageRecord record) {
        CompletableFuture<StoreOutcome> future = new CompletableFuture<>();
        long size = size(record);
        if (!running) {
            future.completeExceptionally(new StoreUnavailableException("message store is stopping", null));
        } else if (queuedBytes.addAndGet(size) > queueMaxBytes && queuedBytes.get() != size) {
            queuedBytes.addAndGet(-size);
            future.completeExceptionally(new StoreUnavailableException("message store queue is full (bytes)", null));
        } else if (!queue.offer(new Pending(record, future, size))) {
            queuedBytes.addAndGet(-size);
            future.completeExceptionally(new StoreUnavailableException("message store queue is full", null));
        }
        return future;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                long taken = 0;
                for (Pending p : batch) {
                    taken += p.size;
                }
                queuedBytes.addAndGet(-taken);
                writeBatch(batch, FIRST_TRY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // class name only: driver messages can quote values
                LOG.error("Unexpected store writer failure: {}", e.getClass().getName());
                batch.forEach(p -> p.future.completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    /** Retries left on the first write of a batch (then one by one, then once more each on a race). */
    private static final int FIRST_TRY = 3;

    private void writeBatch(List<Pending> batch, int retriesLeft) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (retriesLeft < FIRST_TRY) {
                    // retry path: look for taken control ids first (the fast path lets the unique index find them)
                    markDuplicates(c, batch);
                }
                insert(c, batch);
                List<MessageRecord> records = new ArrayList<>(batch.size());
                batch.forEach(p -> records.add(p.record));
                for (OutboxWriter w : outboxWriters) {
                    w.write(c, records);
                }
                c.commit();
            } catch (SQLException e) {
                rollbackQuietly(c);
                if (retriesLeft > 0 && isConnectionFailure(e)) {
                    // a pooled connection broken by a database restart: the pool drops it, try again
                    batch.forEach(p -> p.record.clearDuplicate());
                    writeBatch(batch, retriesLeft - 1);
                    return;
                }
                if (retriesLeft > 0 && isUniqueViolation(e)) {
                    // a control id is already stored, twice in this batch, or being stored by another
                    // writer right now: redo one by one, each first checking what is committed
                    for (Pending p : batch) {
                        p.record.clearDuplicate();
                        writeBatch(List.of(p), retriesLeft - 1);
                    }
                    return;
                }
                String dataError = dataErrorState(e);
                if (dataError != null && batch.size() > 1) {
                    // one message holds a value the database refuses: find it, store the others as they are
                    for (Pending p : batch) {
                        p.record.clearDuplicate();
                        writeBatch(List.of(p), Math.max(retriesLeft - 1, 1));
                    }
                    return;
                }
                if (dataError != null && !batch.get(0).record.refused()) {
                    LOG.warn("Message {} holds a value the database refuses (SQLState {}): stored as its bytes, answered AE",
                            batch.get(0).record.uuid, dataError);
                    batch.get(0).record.reduceToBytes(dataError);
                    writeBatch(batch, Math.max(retriesLeft, 1));
                    return;
                }
                throw e;
            }
            for (Pending p : batch) {
                p.future.complete(new StoreOutcome(p.record.duplicate, p.record.effectiveAck()));
            }
            commitListeners.forEach(Runnable::run);
        } catch (SQLException e) {
            LOG.warn("Message store unavailable: {} message(s) not stored ({})", batch.size(), e.getClass().getSimpleName());
            StoreUnavailableException failure = new StoreUnavailableException("message store unavailable", e);
            batch.forEach(p -> p.future.completeExceptionally(failure));
        }
    }

    private void markDuplicates(Connection c, List<Pending> batch) throws SQLException {
        List<String> ids = new ArrayList<>();
        for (Pending p : batch) {
            if (p.record.controlId != null) {
                ids.add(p.record.controlId);
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        Set<String> existing = new HashSet<>();
        StringBuilder sql = new StringBuilder("SELECT message_control_id, sending_application, sending_facility "
                + "FROM hl7_message WHERE message_control_id IN (");
        for (int i = 0; i < ids.size(); i++) {
            sql.append(i == 0 ? "?" : ",?");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.append(')').toString())) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    existing.add(duplicateKey(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        Set<String> seen = new HashSet<>();
        for (Pending p : batch) {
            MessageRecord r = p.record;
            if (r.controlId == null) {
                continue;
            }
            String key = duplicateKey(r.controlId, senderPart(r.sendingApplication), senderPart(r.sendingFacility));
            if (existing.contains(key) || !seen.add(key)) {
                r.markDuplicate();
            }
        }
    }

    private static String duplicateKey(String controlId, String application, String facility) {
        return controlId + '\u0000' + (application == null ? "" : application) + '\u0000' + (facility == null ? "" : facility);
    }

    /** MSH-3 / MSH-4 as stored: never null (so the unique index compares them), at most the column's 255 characters. */
    public static String senderPart(String value) {
        if (value == null) {
            return "";
        }
        return value.length() > SENDER_COLUMN ? value.substring(0, SENDER_COLUMN) : value;
    }

    private static final int SENDER_COLUMN = 255;

    private static void insert(Connection c, List<Pending> batch) throws SQLException {
        List<MessageRecord> records = new ArrayList<>(batch.size());
        batch.forEach(p -> records.add(p.record));
        insertRows(c, records);
    }

    /** Inserts rows in the caller's transaction (used by the group commit and by outbound messages). */
    public static void insertRows(Connection c, List<MessageRecord> records) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (MessageRecord r : records) {
                LocalDateTime created = utc(r.created);
                int i = 1;
                ps.setString(i++, r.uuid);
                ps.setObject(i++, created);
                ps.setString(i++, r.createdBy);
                ps.setObject(i++, created);
                ps.setString(i++, r.createdBy);
                ps.setString(i++, r.content);
                ps.setString(i++, r.messageType);
                ps.setString(i++, r.sentAt);
                ps.setBoolean(i++, false);
                ps.setString(i++, r.srcDescription);
                ps.setString(i++, r.dstDescription);
                ps.setString(i++, r.effectiveControlId());
                ps.setString(i++, r.receivedControlId);
                ps.setString(i++, r.effectiveAck());
                ps.setString(i++, r.effectiveAckStatus());
                ps.setString(i++, r.nhsNumber);
                ps.setString(i++, r.mrn);
                ps.setString(i++, r.visitId);
                ps.setBoolean(i++, r.hasIdentifiers);
                ps.setString(i++, r.effectiveState().name());
                ps.setString(i++, r.effectiveErrorText());
                ps.setString(i++, r.transport);
                ps.setString(i++, r.listener);
                ps.setString(i++, r.remoteAddress);
                ps.setString(i++, r.charset);
                ps.setBytes(i++, r.keepReceivedBytes ? r.received : null);
                ps.setString(i++, senderPart(r.sendingApplication));
                ps.setString(i, senderPart(r.sendingFacility));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public static boolean isUniqueViolation(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if ("23505".equals(x.getSQLState())) {
                return true;
            }
            if (x.getCause() instanceof SQLException cause && "23505".equals(cause.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The SQLState when the database refused a value (class 22 data exception, class 23 integrity
     * constraint other than the unique violation handled as a duplicate), else null.
     */
    static String dataErrorState(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            for (Throwable t = x; t != null; t = t.getCause()) {
                if (t instanceof SQLException s && s.getSQLState() != null
                        && (s.getSQLState().startsWith("22") || s.getSQLState().startsWith("23"))) {
                    return s.getSQLState();
                }
                if (t.getCause() == t) {
                    break;
                }
            }
        }
        return null;
    }

    static boolean isConnectionFailure(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("08");
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it
        }
    }

    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    // ---- reads and the one permitted update ----

    public Optional<StoredMessage> find(String uuid) {
        List<StoredMessage> rows = query(SELECT + "WHERE uuid = ?", uuid);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** One page of the messages whose stored control id is {@code controlId}, newest first (ties by uuid). */
    public List<StoredMessage> byControlId(String controlId, int limit, long offset) {
        return query(SELECT + "WHERE message_control_id = ? ORDER BY created DESC, uuid DESC LIMIT ? OFFSET ?",
                controlId, limit, offset);
    }

    /** The Polaris identifier types that can be searched ({@code identifier_type}), exact spelling. */
    public static final List<String> IDENTIFIER_TYPES = List.of("NHS number", "MRN", "Visit ID");

    private static String identifierColumn(String identifierType) {
        return switch (identifierType) {
            case "NHS number" -> "nhs_number";
            case "MRN" -> "mrn";
            case "Visit ID" -> "visit_id";
            default -> null;
        };
    }

    /**
     * One page of the messages whose stored identifier of the given Polaris type equals {@code value}, newest first
     * (ties by uuid).
     *
     * @throws IllegalArgumentException for a type not in {@link #IDENTIFIER_TYPES}
     */
    public List<StoredMessage> byIdentifier(String identifierType, String value, int limit, long offset) {
        String column = identifierColumn(identifierType);
        if (column == null) {
            throw new IllegalArgumentException("unknown identifier type");
        }
        return query(SELECT + "WHERE " + column + " = ? ORDER BY created DESC, uuid DESC LIMIT ? OFFSET ?",
                value, limit, offset);
    }

    /** Sets {@code is_processed}; false when no such message. */
    public boolean setProcessed(String uuid, boolean processed, String actor) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE hl7_message SET is_processed = ?, modified = ?, modified_by = ? WHERE uuid = ?")) {
            ps.setBoolean(1, processed);
            ps.setObject(2, utc(Instant.now()));
            ps.setString(3, actor);
            ps.setString(4, uuid);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreUnavailableException("message store unavailable", e);
        }
    }

    /** Records who read or changed a message (never its content). */
    public void audit(String actor, String action, String messageUuid, String detail) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO audit_event (id, at, actor, action, message_uuid, detail) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setObject(2, utc(Instant.now()));
            ps.setString(3, actor);
            ps.setString(4, action);
            ps.setString(5, messageUuid);
            ps.setString(6, detail);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreUnavailableException("audit store unavailable", e);
        }
    }

    private List<StoredMessage> query(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            List<StoredMessage> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new StoredMessage(rs.getString(1), rs.getObject(2, LocalDateTime.class), rs.getString(3),
                            rs.getObject(4, LocalDateTime.class), rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getString(8), rs.getBoolean(9), rs.getString(10), rs.getString(11), rs.getString(12),
                            rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16), rs.getBoolean(17),
                            rs.getString(18), rs.getString(19)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreUnavailableException("message store unavailable", e);
        }
    }

    /** Stops accepting, writes what is queued, then stops the writers. */
    @Override
    public void close() {
        running = false;
        for (Thread t : writers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
