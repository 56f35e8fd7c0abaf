package health.caravan.examples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/**
 * Every permalink Caravan has seen or assigned, in table {@code example_permalink}: where its example
 * lives now, whether the README carries it, and when its example was deleted (the permalink then
 * answers 410 with a link to the section). Reconciling a scan keeps every existing id, reports
 * duplicates without moving them, follows renames and assigns new UUIDs.
 */
public final class PermalinkRegistry {

    /** A permalink's record. {@code deleted} is null while its example exists. */
    public record Entry(String id, String path, String section, boolean inReadme, Instant deleted) {
    }

    /** The result of reconciling one scan: the examples with their permalinks, and the ids to write into READMEs. */
    public record Reconciled(List<Example> examples, Map<String, String> toWriteBack, int assigned, int deleted) {
    }

    private final DataSource db;

    public PermalinkRegistry(DataSource db) {
        this.db = db;
    }

    public Entry find(String id) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT permalink_id, example_path, section, in_readme, deleted FROM example_permalink WHERE permalink_id = ?")) {
            ps.setString(1, PermalinkIds.normalise(id));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? entry(rs) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("permalink registry unavailable", e);
        }
    }

    /**
     * Gives every scanned example its permalink and records the result.
     *
     * @param renames old folder → new folder between the previously synced commit and this one
     */
    public synchronized Reconciled reconcile(List<Example> scanned, Map<String, String> renames) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            Map<String, Entry> byId = new HashMap<>();
            Map<String, Entry> activeByPath = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT permalink_id, example_path, section, in_readme, deleted FROM example_permalink");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Entry e = entry(rs);
                    byId.put(e.id(), e);
                    if (e.deleted() == null) {
                        activeByPath.put(e.path(), e);
                    }
                }
            }
            // which examples claim each README id; the recorded owner keeps it, else the first in path order
            Map<String, List<Example>> claimants = new LinkedHashMap<>();
            for (Example e : scanned) {
                if (e.metadata().permalinkId() != null) {
                    claimants.computeIfAbsent(e.metadata().permalinkId(), k -> new ArrayList<>()).add(e);
                }
            }
            Map<String, String> ownerOf = new HashMap<>();
            claimants.forEach((id, list) -> {
                Entry known = byId.get(id);
                String owner = list.get(0).path();
                for (Example e : list) {
                    if (known != null && known.path().equals(e.path())) {
                        owner = e.path();
                    }
                }
                ownerOf.put(id, owner);
            });
            Map<String, String> oldPathOf = new HashMap<>();
            renames.forEach((from, to) -> oldPathOf.put(to, from));

            List<Example> out = new ArrayList<>();
            Map<String, String> writeBack = new LinkedHashMap<>();
            Map<String, Example> kept = new HashMap<>();
            int assigned = 0;
            for (Example e : scanned) {
                String readmeId = e.metadata().permalinkId();
                if (readmeId != null) {
                    String owner = ownerOf.get(readmeId);
                    if (owner.equals(e.path())) {
                        out.add(keep(kept, e.withPermalink(readmeId, true, List.of())));
                    } else {
                        out.add(e.withPermalink(null, true, List.of("Duplicate permalink id " + readmeId
                                + ": it also belongs to '" + owner + "', which keeps it; this example is reachable by its path only")));
                    }
                    continue;
                }
                Entry held = activeByPath.get(e.path());
                if (held == null && oldPathOf.containsKey(e.path())) {
                    Entry moved = activeByPath.get(oldPathOf.get(e.path()));
                    held = moved != null && !moved.inReadme() ? moved : null;
                }
                if (held != null && !held.inReadme() && !ownerOf.containsKey(held.id()) && !kept.containsKey(held.id())) {
                    out.add(keep(kept, e.withPermalink(held.id(), false, List.of())));
                    writeBack.put(e.path(), held.id());
                } else {
                    String id = PermalinkIds.newId();
                    assigned++;
                    out.add(keep(kept, e.withPermalink(id, false, List.of())));
                    writeBack.put(e.path(), id);
                }
            }
            Timestamp now = Timestamp.from(Instant.now());
            int deleted = 0;
            try (PreparedStatement update = c.prepareStatement("UPDATE example_permalink SET example_path = ?, section = ?, "
                    + "in_readme = ?, deleted = NULL, updated = ? WHERE permalink_id = ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO example_permalink (permalink_id, example_path, "
                         + "section, in_readme, deleted, created, updated) VALUES (?, ?, ?, ?, NULL, ?, ?)");
                 PreparedStatement delete = c.prepareStatement(
                         "UPDATE example_permalink SET deleted = ?, updated = ? WHERE permalink_id = ?")) {
                for (Example e : kept.values()) {
                    Entry known = byId.get(e.permalinkId());
                    if (known == null) {
                        insert.setString(1, e.permalinkId());
                        insert.setString(2, e.path());
                        insert.setString(3, e.section());
                        insert.setBoolean(4, e.permalinkInReadme());
                        insert.setTimestamp(5, now);
                        insert.setTimestamp(6, now);
                        insert.addBatch();
                    } else if (!known.path().equals(e.path()) || known.deleted() != null || known.inReadme() != e.permalinkInReadme()
                            || !known.section().equals(e.section())) {
                        update.setString(1, e.path());
                        update.setString(2, e.section());
                        update.setBoolean(3, e.permalinkInReadme());
                        update.setTimestamp(4, now);
                        update.setString(5, e.permalinkId());
                        update.addBatch();
                    }
                }
                for (Entry known : byId.values()) {
                    if (known.deleted() == null && !kept.containsKey(known.id())) {
                        delete.setTimestamp(1, now);
                        delete.setTimestamp(2, now);
                        delete.setString(3, known.id());
                        delete.addBatch();
                        deleted++;
                    }
                }
                insert.executeBatch();
                update.executeBatch();
                delete.executeBatch();
            }
            c.commit();
            return new Reconciled(out, writeBack, assigned, deleted);
        }
    }

    private static Example keep(Map<String, Example> kept, Example e) {
        kept.put(e.permalinkId(), e);
        return e;
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        Timestamp deleted = rs.getTimestamp(5);
        return new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                deleted == null ? null : deleted.toInstant());
    }
}
