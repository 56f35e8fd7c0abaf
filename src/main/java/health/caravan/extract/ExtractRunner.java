package health.caravan.extract;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One extract run (ReqCheck-Extractor's job): ask ReqCheck when it last imported ({@code POST /heartbeat}),
 * run every dataset's SQL with that date bound to each {@code ?}, shape each row with its template and
 * post the rows in batches (LIVE) or write them to CSV (FILE). Rows are streamed from the source
 * database (cursor with a fetch size) and flushed batch by batch, so memory does not grow with the
 * extract. Runs never overlap (one at a time per process, and one replica at a time by lease).
 * Only counts are logged and recorded; row content never leaves the batch.
 */
public final class ExtractRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExtractRunner.class);
    private static final long LEASE_MILLIS = 30 * 60_000;

    public record Settings(String mode, LocalDate startDate, byte[] anonymisationKey, ZoneId zone, Path datasetsDir,
                           Path outputDir, int postAttempts, long retryBackoffMillis) {
    }

    private final DataSource caravanDb;
    private final DataSource sourceDb;
    private final ReqCheckClient reqcheck;
    private final Settings settings;
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "caravan-extract");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean running = new AtomicBoolean();
    private final String owner = "extract-" + UUID.randomUUID();

    public ExtractRunner(DataSource caravanDb, DataSource sourceDb, ReqCheckClient reqcheck, Settings settings) {
        this.caravanDb = caravanDb;
        this.sourceDb = sourceDb;
        this.reqcheck = reqcheck;
        this.settings = settings;
    }

    public boolean configured() {
        return sourceDb != null && ("FILE".equals(settings.mode()) || reqcheck != null);
    }

    /** Scheduled trigger: does nothing (quietly) when extracts are not configured or a run is going on. */
    public void runScheduled() {
        if (configured()) {
            trigger("schedule");
        }
    }

    /** Starts a run in the background with the configured mode; empty when one is already running. */
    public Optional<String> trigger(String by) {
        return trigger(by, settings.mode());
    }

    /** Starts a run in the background, {@code LIVE} or {@code FILE}; empty when one is already running. */
    public Optional<String> trigger(String by, String mode) {
        if (sourceDb == null || ("LIVE".equals(mode) && reqcheck == null)) {
            throw new IllegalStateException("Extracts are not configured (CARAVAN_EXTRACT_DB_URL, CARAVAN_REQCHECK_URL)");
        }
        if (!running.compareAndSet(false, true)) {
            return Optional.empty();
        }
        String id = UUID.randomUUID().toString();
        try {
            execute("INSERT INTO extract_run (id, trigger_by, mode, started, outcome) VALUES (?,?,?,?,'RUNNING')",
                    id, by, mode, now());
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
        executor.submit(() -> {
            try {
                run(id, by, mode);
            } finally {
                running.set(false);
            }
        });
        return Optional.of(id);
    }

    private void run(String runId, String by, String mode) {
        String outcome = "SUCCESS";
        String error = null;
        List<String> summary = new ArrayList<>();
        try {
            if (!holdLease()) {
                throw new RunError("another replica is running the extracts");
            }
            List<ExtractDataset> datasets = ExtractDataset.loadAll(settings.datasetsDir());
            LocalDateTime since = since(mode);
            execute("UPDATE extract_run SET since_date = ? WHERE id = ?", since.toString(), runId);
            LOG.info("Extract run {} started ({} mode, {} dataset(s))", runId, mode, datasets.size());
            for (ExtractDataset d : datasets) {
                DatasetResult r = extract(runId, d, since, mode);
                summary.add(d.name() + ": " + r.rows + " row(s) in " + r.batches + " batch(es), " + r.failedIds.size() + " failed");
                if (r.failedIds.size() > 0 && "SUCCESS".equals(outcome)) {
                    outcome = "PARTIAL_FAILURE";
                }
                if (r.error != null) {
                    outcome = "FAILED";
                    error = d.name() + ": " + r.error;
                    break;
                }
            }
        } catch (RunError | IOException | RuntimeException e) {
            outcome = "FAILED";
            error = e instanceof RunError ? e.getMessage() : e.getClass().getSimpleName() + ": " + safe(e.getMessage());
        } finally {
            releaseLease();
        }
        execute("UPDATE extract_run SET ended = ?, outcome = ?, error = ? WHERE id = ?", now(), outcome, truncate(error), runId);
        execute("INSERT INTO audit_event (id, at, actor, action, message_uuid, detail) VALUES (?,?,?,?,?,?)",
                UUID.randomUUID().toString(), now(), by, "extract run " + outcome, null, truncate(String.join("; ", summary)));
        LOG.info("Extract run {} finished: {} ({})", runId, outcome, String.join("; ", summary));
    }

    private static final class DatasetResult {
        long rows;
        int batches;
        final List<String> failedIds = new ArrayList<>();
        final List<String> importIds = new ArrayList<>();
        String error;
    }

    private DatasetResult extract(String runId, ExtractDataset d, LocalDateTime since, String mode) throws IOException {
        DatasetResult r = new DatasetResult();
        CSVPrinter csv = null;
        try (Connection c = sourceDb.getConnection()) {
            c.setAutoCommit(false); // PostgreSQL only streams with a cursor inside a transaction
            c.setReadOnly(true);
            if ("FILE".equals(mode)) {
                Path dir = settings.outputDir().resolve(runId);
                Files.createDirectories(dir);
                BufferedWriter w = Files.newBufferedWriter(dir.resolve(d.name() + ".csv"), StandardCharsets.UTF_8);
                csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(d.template().fieldNames().toArray(String[]::new)).build());
            }
            try (PreparedStatement ps = c.prepareStatement(d.sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                ps.setFetchSize(Math.max(100, Math.min(d.batchSize(), 5000)));
                int parameters = ps.getParameterMetaData().getParameterCount();
                for (int i = 1; i <= parameters; i++) {
                    ps.setObject(i, since);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    List<Map<String, Object>> batch = new ArrayList<>(d.batchSize());
                    Object lastGroup = null;
                    while (rs.next()) {
                        Map<String, Object> row = new HashMap<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            row.put(meta.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
                        }
                        Map<String, Object> mapped = d.template().apply(row, settings.anonymisationKey(), settings.zone());
                        Object group = d.keepTogether() == null ? null : mapped.get(d.keepTogether());
                        boolean boundary = d.keepTogether() == null || !Objects.equals(group, lastGroup);
                        if (batch.size() >= d.batchSize() && boundary) {
                            flush(d, batch, csv, r);
                            if (r.error != null) {
                                return finish(runId, d, r);
                            }
                        }
                        batch.add(mapped);
                        lastGroup = group;
                        r.rows++;
                    }
                    if (!batch.isEmpty()) {
                        flush(d, batch, csv, r);
                    }
                }
            }
            c.rollback();
        } catch (SQLException e) {
            r.error = "source query failed: " + e.getClass().getSimpleName() + " (SQLState " + e.getSQLState() + ")";
        } finally {
            if (csv != null) {
                csv.close();
            }
        }
        return finish(runId, d, r);
    }

    private DatasetResult finish(String runId, ExtractDataset d, DatasetResult r) {
        String outcome = r.error != null ? "FAILED" : r.failedIds.isEmpty() ? "SUCCESS" : "PARTIAL_FAILURE";
        execute("INSERT INTO extract_run_dataset (run_id, dataset, rows_read, batches, failed_rows, failed_ids, import_ids, outcome, error) "
                + "VALUES (?,?,?,?,?,?,?,?,?)", runId, d.name(), r.rows, r.batches, r.failedIds.size(),
                String.join(",", r.failedIds), String.join(",", r.importIds), outcome, truncate(r.error));
        return r;
    }

    private void flush(ExtractDataset d, List<Map<String, Object>> batch, CSVPrinter csv, DatasetResult r) throws IOException {
        r.batches++;
        holdLease();
        if (csv != null) {
            for (Map<String, Object> row : batch) {
                List<Object> values = new ArrayList<>();
                for (String f : d.template().fieldNames()) {
                    values.add(row.get(f));
                }
                csv.printRecord(values);
            }
            batch.clear();
            return;
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put(d.payloadKey(), batch);
        String body = json.writeValueAsString(payload);
        batch.clear();
        Posted posted;
        try {
            posted = postWithRetries(d.endpoint(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.error = "interrupted";
            return;
        }
        ReqCheckClient.Response response = posted.response();
        if (response == null) {
            r.error = "ReqCheck batch " + r.batches + " POST " + posted.failure();
        } else if (response.status() == 401) {
            r.error = "ReqCheck refused the credentials (HTTP 401)";
        } else if (response.status() != 201) {
            r.error = "ReqCheck refused batch " + r.batches + " (HTTP " + response.status() + ": " + statusOf(response.body()) + ")";
        } else {
            JsonNode answer = json.readTree(response.body());
            r.importIds.add(answer.path("data_import_id").asText());
            if ("partial_failure".equals(answer.path("status").asText())) {
                answer.path("error_objects_ids").forEach(id -> r.failedIds.add(id.asText()));
            }
        }
    }

    /**
     * The answer of ReqCheck, or (response null) {@code "<url> failed after N attempt(s): <what>"} when it never
     * answered. Connection failures and 5xx are retried {@code caravan.extracts.post-attempts} times with a
     * doubling back-off from {@code caravan.extracts.retry-backoff-ms}; the last 5xx is returned as it is.
     */
    private Posted postWithRetries(String path, String body) throws InterruptedException {
        ReqCheckClient.Response response = null;
        String failure = null;
        for (int attempt = 1; attempt <= settings.postAttempts(); attempt++) {
            try {
                response = reqcheck.post(path, body);
                if (response.status() < 500) {
                    break;
                }
            } catch (IOException e) {
                response = null;
                failure = ReqCheckClient.describe(e);
            }
            if (attempt < settings.postAttempts()) {
                sleep(settings.retryBackoffMillis() << (attempt - 1));
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
            }
        }
        return new Posted(response, response != null ? null
                : reqcheck.displayUrl(path) + " failed after " + settings.postAttempts() + " attempt(s): " + failure);
    }

    private record Posted(ReqCheckClient.Response response, String failure) {
    }

    private String statusOf(String body) {
        try {
            return safe(json.readTree(body).path("status").asText(""));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The last-import date from the heartbeat (LIVE), else the configured start date; as a local
     * date-time in the configured zone (what the source's timestamp columns hold).
     */
    private LocalDateTime since(String mode) throws IOException, RunError {
        LocalDateTime start = settings.startDate().atStartOfDay();
        if (!"LIVE".equals(mode)) {
            return start;
        }
        Posted posted;
        try {
            posted = postWithRetries("heartbeat", "{}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunError("interrupted");
        }
        ReqCheckClient.Response heartbeat = posted.response();
        if (heartbeat == null) {
            throw new RunError("ReqCheck heartbeat POST " + posted.failure());
        }
        if (heartbeat.status() == 401) {
            throw new RunError("ReqCheck refused the credentials (HTTP 401)");
        }
        if (heartbeat.status() != 200) {
            throw new RunError("ReqCheck heartbeat POST " + reqcheck.displayUrl("heartbeat") + " failed"
                    + (heartbeat.status() >= 500 ? " after " + settings.postAttempts() + " attempt(s)" : "")
                    + ": HTTP " + heartbeat.status());
        }
        JsonNode last = json.readTree(heartbeat.body()).path("last_update_date");
        if (last.isMissingNode() || last.isNull()) {
            return start;
        }
        return OffsetDateTime.parse(last.asText()).atZoneSameInstant(settings.zone()).toLocalDateTime();
    }

    private boolean holdLease() {
        LocalDateTime now = now();
        return update("UPDATE job_lease SET owner = ?, expires_at = ? WHERE name = 'extracts' "
                + "AND (owner IS NULL OR owner = ? OR expires_at < ?)", owner, now.plusNanos(LEASE_MILLIS * 1_000_000), owner, now) == 1;
    }

    private void releaseLease() {
        update("UPDATE job_lease SET owner = NULL, expires_at = NULL WHERE name = 'extracts' AND owner = ?", owner);
    }

    private void execute(String sql, Object... args) {
        update(sql, args);
    }

    private int update(String sql, Object... args) {
        try (Connection c = caravanDb.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("extract bookkeeping failed: " + e.getSQLState(), e);
        }
    }

    private static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String safe(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) : s;
    }

    private static String truncate(String s) {
        return s == null ? null : s.length() > 1000 ? s.substring(0, 1000) : s;
    }

    /** A run-level failure with a message safe to record. */
    static final class RunError extends Exception {
        RunError(String message) {
            super(message);
        }
    }

    public boolean isRunning() {
        return running.get();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
