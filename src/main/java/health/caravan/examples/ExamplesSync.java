package health.caravan.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import health.caravan.store.TimeOrderedUuid;

/**
 * Keeps the examples library in step with its Git repository. Triggers (start-up, the poll timer, the
 * GitHub webhook, the manual API) are coalesced: at most one sync runs, and any number of triggers
 * during it cause exactly one more. The Git work itself (clone, pull, add, commit, push) is done by the
 * {@code examples-sync} route with camel-git; this class prepares each step, indexes the result from
 * the commit's tree, reconciles permalinks, records the run, and swaps the new library in atomically.
 */
public final class ExamplesSync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExamplesSync.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Configuration. {@code username}/{@code password} are used for clone, pull and push over HTTPS. */
    public record Settings(String repoUrl, String branch, Path workDir, boolean push, String username, String password,
                           String permalinkBase, String githubBaseUrl) {
        public boolean configured() {
            return repoUrl != null && !repoUrl.isBlank();
        }
    }

    /** State of the run in progress. */
    public static final class Run {
        final String id;
        final String trigger;
        final Instant started = Instant.now();
        final String previousCommit;
        boolean clone;
        String commit;
        LibraryScanner.Scan scan;
        PermalinkRegistry.Reconciled reconciled;
        boolean pushed;
        int assigned;
        int deleted;
        final List<String> notes = new ArrayList<>();

        Run(String id, String trigger, String previousCommit) {
            this.id = id;
            this.trigger = trigger;
            this.previousCommit = previousCommit;
        }

        public boolean needsClone() {
            return clone;
        }

        public int writeBackCount() {
            return reconciled == null ? 0 : reconciled.toWriteBack().size();
        }

        public String id() {
            return id;
        }
    }

    private final Settings settings;
    private final DataSource db;
    private final PermalinkRegistry registry;
    private final AtomicReference<ExampleLibrary> library = new AtomicReference<>(ExampleLibrary.EMPTY);
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "caravan-examples-sync");
        t.setDaemon(true);
        return t;
    });
    private Consumer<String> route = trigger -> {
        throw new IllegalStateException("examples-sync route not connected");
    };
    private boolean running;
    private String pendingTrigger;
    private Repository repository;

    public ExamplesSync(Settings settings, DataSource db) {
        this.settings = settings;
        this.db = db;
        this.registry = new PermalinkRegistry(db);
    }

    public Settings settings() {
        return settings;
    }

    public PermalinkRegistry registry() {
        return registry;
    }

    /** The route that performs a sync (given the trigger); called on the sync thread. */
    public void connect(Consumer<String> syncRoute) {
        this.route = syncRoute;
    }

    public ExampleLibrary library() {
        return library.get();
    }

    /** The repository URL without credentials, safe to show. */
    public String displayUrl() {
        return RepoUrls.redact(settings.repoUrl(), settings.password());
    }

    /**
     * Asks for a sync. Returns "started", "queued" (one is running; exactly one more will follow it,
     * however many triggers arrive meanwhile) or "disabled" (no repository configured).
     */
    public synchronized String request(String trigger) {
        if (!settings.configured()) {
            return "disabled";
        }
        if (running) {
            pendingTrigger = trigger;
            return "queued";
        }
        running = true;
        worker.execute(() -> loop(trigger));
        return "started";
    }

    private void loop(String first) {
        String trigger = first;
        while (trigger != null) {
            try {
                route.accept(trigger);
            } catch (RuntimeException e) {
                LOG.warn("Examples sync ({}) failed: {}", trigger, RepoUrls.redact(String.valueOf(e.getMessage()), settings.password()));
            }
            synchronized (this) {
                trigger = pendingTrigger;
                pendingTrigger = null;
                if (trigger == null) {
                    running = false;
                }
            }
        }
    }

    /** Whether a sync is running or queued. */
    public synchronized boolean busy() {
        return running;
    }

    /** Serves the existing working copy at start-up, before the first sync reaches the remote. */
    public void loadLocalCopy() {
        if (!Files.isDirectory(settings.workDir().resolve(".git"))) {
            return;
        }
        try {
            Repository repo = repository();
            ObjectId head = repo.resolve("HEAD");
            if (head != null) {
                LibraryScanner.Scan scan = LibraryScanner.scan(repo, head);
                PermalinkRegistry.Reconciled r = registry.reconcile(scan.examples(), Map.of());
                library.set(new ExampleLibrary(scan.commit(), scan.commitTime(), r.examples(), scan.sectionReadmes()));
                LOG.info("Examples library loaded from the local copy at {}: {} examples", abbrev(scan.commit()), r.examples().size());
            }
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.warn("Cannot load the local examples copy: {}", RepoUrls.redact(String.valueOf(e.getMessage()), settings.password()));
        }
    }

    // ---- steps of the examples-sync route ----

    /** Records the run and says whether the working copy must be cloned (removing a half-made one). */
    public Run begin(String trigger) throws IOException, SQLException {
        Run run = new Run(TimeOrderedUuid.next().toString(), trigger, library.get().commit());
        Path dir = settings.workDir();
        run.clone = !Files.isDirectory(dir.resolve(".git"));
        if (run.clone) {
            closeRepository();
            if (Files.exists(dir)) {
                deleteTree(dir);
            }
            Files.createDirectories(dir.getParent());
        }
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO examples_sync_run (id, trigger_by, started, outcome, previous_commit) VALUES (?, ?, ?, 'RUNNING', ?)")) {
            ps.setString(1, run.id);
            ps.setString(2, trigger);
            ps.setTimestamp(3, Timestamp.from(run.started));
            ps.setString(4, run.previousCommit);
            ps.executeUpdate();
        }
        LOG.info("Examples sync {} ({}) started: {} {} of {}", run.id, trigger, run.clone ? "cloning" : "pulling",
                settings.branch(), displayUrl());
        return run;
    }

    /** After a failed pull (diverged or rewritten history): fetch and reset hard to the remote branch. */
    public void resetToRemote(Run run, Exception cause) throws Exception {
        run.notes.add("Pull failed (" + RepoUrls.redact(rootMessage(cause), settings.password())
                + "); the working copy was reset to origin/" + settings.branch());
        try (Git git = new Git(repository())) {
            var fetch = git.fetch().setRemote("origin");
            if (notBlank(settings.username()) && notBlank(settings.password())) {
                fetch.setCredentialsProvider(new UsernamePasswordCredentialsProvider(settings.username(), settings.password()));
            }
            fetch.call();
            git.reset().setMode(ResetCommand.ResetType.HARD).setRef("origin/" + settings.branch()).call();
        }
    }

    /**
     * Indexes HEAD: scans the commit, follows renames since the last sync, reconciles permalinks and,
     * when write-back is on, writes the new permalinks into the READMEs of the working copy.
     */
    public void index(Run run) throws IOException, SQLException {
        Repository repo = repository();
        ObjectId head = repo.resolve("HEAD");
        if (head == null) {
            throw new IllegalStateException("the repository has no commit on " + settings.branch());
        }
        run.commit = head.name();
        run.scan = LibraryScanner.scan(repo, head);
        Map<String, String> renames = LibraryScanner.renamedFolders(repo, run.previousCommit, run.commit);
        run.reconciled = registry.reconcile(run.scan.examples(), renames);
        run.assigned = run.reconciled.assigned();
        run.deleted = run.reconciled.deleted();
        LOG.info("Examples sync {}: commit {}, {} examples, {} new permalinks, {} permalinks of deleted examples",
                run.id, abbrev(run.commit), run.scan.examples().size(), run.reconciled.assigned(), run.reconciled.deleted());
        if (settings.push() && !run.reconciled.toWriteBack().isEmpty()) {
            Map<String, Example> byPath = new LinkedHashMap<>();
            run.reconciled.examples().forEach(e -> byPath.put(e.path(), e));
            for (Map.Entry<String, String> w : run.reconciled.toWriteBack().entrySet()) {
                Example e = byPath.get(w.getKey());
                Path readme = settings.workDir().resolve(e.path()).resolve(e.readmeName());
                Files.writeString(readme, PermalinkIds.withPermalink(e.readme(), w.getValue(), settings.permalinkBase()),
                        StandardCharsets.UTF_8);
            }
            LOG.info("Examples sync {}: writing {} permalinks back to the repository", run.id, run.writeBackCount());
        } else if (!run.reconciled.toWriteBack().isEmpty()) {
            run.notes.add(run.writeBackCount() + " examples have a permalink assigned by Caravan that is not in their "
                    + "README (write-back is off: CARAVAN_EXAMPLES_PUSH=false)");
        }
    }

    /** The permalinks were committed and pushed: index the new commit. */
    public void pushed(Run run) throws IOException, SQLException {
        run.pushed = true;
        Repository repo = repository();
        ObjectId head = repo.resolve("HEAD");
        run.commit = head.name();
        run.scan = LibraryScanner.scan(repo, head);
        run.reconciled = registry.reconcile(run.scan.examples(), Map.of());
        LOG.info("Examples sync {}: pushed permalinks in commit {}", run.id, abbrev(run.commit));
    }

    /** The push failed: undo the local commit so the next pull is clean; the ids stay recorded and are retried. */
    public void pushFailed(Run run, Exception cause) throws Exception {
        String why = RepoUrls.redact(rootMessage(cause), settings.password());
        run.notes.add("Write-back of permalinks failed (" + why + "); it is retried at the next sync");
        LOG.warn("Examples sync {}: write-back failed: {}", run.id, why);
        try (Git git = new Git(repository())) {
            git.reset().setMode(ResetCommand.ResetType.HARD).setRef("origin/" + settings.branch()).call();
        }
    }

    /** Swaps the new library in and records the run as succeeded. */
    public void publish(Run run) throws SQLException, IOException {
        LibraryScanner.Scan scan = run.scan;
        ExampleLibrary next = new ExampleLibrary(scan.commit(), scan.commitTime(), run.reconciled.examples(), scan.sectionReadmes());
        library.set(next);
        List<Map<String, String>> warnings = new ArrayList<>();
        run.notes.forEach(n -> warnings.add(Map.of("example", "", "warning", n)));
        for (Example e : next.examples()) {
            e.warnings().forEach(w -> warnings.add(Map.of("example", e.path(), "warning", w)));
        }
        long ms = Duration.between(run.started, Instant.now()).toMillis();
        int files = next.examples().stream().mapToInt(e -> e.files().size()).sum();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE examples_sync_run SET "
                + "ended = ?, duration_ms = ?, outcome = 'SUCCEEDED', commit_id = ?, sections = ?, examples = ?, files = ?, "
                + "permalinks_assigned = ?, permalinks_deleted = ?, pushed = ?, warnings = ? WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now()));
            ps.setLong(2, ms);
            ps.setString(3, scan.commit());
            ps.setInt(4, next.sections().size());
            ps.setInt(5, next.examples().size());
            ps.setInt(6, files);
            ps.setInt(7, run.assigned);
            ps.setInt(8, run.deleted);
            ps.setBoolean(9, run.pushed);
            ps.setString(10, JSON.writeValueAsString(warnings));
            ps.setString(11, run.id);
            ps.executeUpdate();
        }
        LOG.info("Examples sync {} succeeded in {} ms: commit {}, {} sections, {} examples, {} files, {} warnings",
                run.id, ms, abbrev(scan.commit()), next.sections().size(), next.examples().size(), files, warnings.size());
    }

    /** Records the run as failed; the library in use stays as it was. */
    public void failed(Run run, Exception cause) {
        String why = RepoUrls.redact(rootMessage(cause), settings.password(), settings.username());
        LOG.warn("Examples sync {} failed: {}", run == null ? "?" : run.id, why);
        if (run == null) {
            return;
        }
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE examples_sync_run SET ended = ?, duration_ms = ?, outcome = 'FAILED', error = ?, commit_id = ? WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now()));
            ps.setLong(2, Duration.between(run.started, Instant.now()).toMillis());
            ps.setString(3, why.length() > 2000 ? why.substring(0, 2000) : why);
            ps.setString(4, run.commit);
            ps.setString(5, run.id);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("Cannot record the failed examples sync {}", run.id);
        }
    }

    /** The last {@code limit} runs, newest first. */
    public List<Map<String, Object>> runs(int limit) throws SQLException, IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT id, trigger_by, started, ended, "
                + "duration_ms, outcome, commit_id, previous_commit, sections, examples, files, permalinks_assigned, "
                + "permalinks_deleted, pushed, warnings, error FROM examples_sync_run ORDER BY started DESC, id DESC")) {
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> run = new LinkedHashMap<>();
                    run.put("id", rs.getString(1));
                    run.put("trigger", rs.getString(2));
                    run.put("started", instant(rs.getTimestamp(3)));
                    run.put("ended", instant(rs.getTimestamp(4)));
                    run.put("duration_ms", rs.getObject(5));
                    run.put("outcome", rs.getString(6));
                    run.put("commit", rs.getString(7));
                    run.put("previous_commit", rs.getString(8));
                    run.put("sections", rs.getObject(9));
                    run.put("examples", rs.getObject(10));
                    run.put("files", rs.getObject(11));
                    run.put("permalinks_assigned", rs.getObject(12));
                    run.put("permalinks_deleted", rs.getObject(13));
                    run.put("pushed", rs.getObject(14));
                    String w = rs.getString(15);
                    run.put("warnings", w == null ? List.of() : JSON.readTree(w));
                    run.put("error", rs.getString(16));
                    out.add(run);
                }
            }
        }
        return out;
    }

    /** The content of an example's file at the library's commit. */
    public byte[] read(ExampleFile file) throws IOException {
        return LibraryScanner.read(repository(), file.blobId());
    }

    private synchronized Repository repository() throws IOException {
        if (repository == null) {
            repository = new FileRepositoryBuilder().setWorkTree(settings.workDir().toFile())
                    .setGitDir(settings.workDir().resolve(".git").toFile()).setMustExist(true).build();
        }
        return repository;
    }

    private synchronized void closeRepository() {
        if (repository != null) {
            repository.close();
            repository = null;
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        closeRepository();
    }

    private static String instant(Timestamp t) {
        return t == null ? null : t.toInstant().toString();
    }

    private static String abbrev(String commit) {
        return commit == null ? "-" : commit.substring(0, Math.min(10, commit.length()));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = String.valueOf(e.getMessage());
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = message + ": " + t.getMessage();
            }
        }
        return message;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
