package health.caravan.fhir;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;

import health.caravan.store.StoreUnavailableException;

/**
 * Caravan's own FHIR R4 store: the current version of each resource as JSON ({@code fhir_resource}), every
 * version ({@code fhir_resource_history}) and the search index ({@code fhir_search}). A resource saved
 * unchanged keeps its version, so a repeated ADT message does not grow the history.
 */
public final class FhirStore {

    /** One stored version. */
    public record Stored(String type, String id, int version, Instant lastUpdated, String json) {
    }

    /** The result of a save: the version now current, and whether this save created it. */
    public record Saved(String type, String id, int version, boolean changed) {
    }

    /** One page of search results and the total number of matches. */
    public record Page(int total, List<Stored> resources) {
    }

    private final DataSource dataSource;
    private final FhirContext fhir;

    public FhirStore(DataSource dataSource, FhirContext fhir) {
        this.dataSource = dataSource;
        this.fhir = fhir;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Optional<Stored> read(String type, String id) {
        return one("SELECT resource_type, id, version_id, last_updated, content FROM fhir_resource "
                + "WHERE resource_type = ? AND id = ?", type, id, null);
    }

    public Optional<Stored> vread(String type, String id, int version) {
        return one("SELECT resource_type, id, version_id, last_updated, content FROM fhir_resource_history "
                + "WHERE resource_type = ? AND id = ? AND version_id = ?", type, id, version);
    }

    /** Every version of a resource, newest first (empty when it never existed). */
    public List<Stored> history(String type, String id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT resource_type, id, version_id, last_updated, content FROM fhir_resource_history "
                        + "WHERE resource_type = ? AND id = ? ORDER BY version_id DESC")) {
            ps.setString(1, type);
            ps.setString(2, id);
            return rows(ps);
        } catch (SQLException e) {
            throw new StoreUnavailableException("FHIR store unavailable", e);
        }
    }

    /** The id of the resource of this type that has the identifier {@code system|value}, if any. */
    public Optional<String> idByIdentifier(Connection c, String type, String system, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT resource_id FROM fhir_search "
                + "WHERE resource_type = ? AND name = 'identifier' AND value_text = ? ORDER BY resource_id")) {
            ps.setString(1, type);
            ps.setString(2, SearchIndex.token(system, value));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * Up to {@code limit} ids (in no particular order) of the resources of this type that have the identifier
     * {@code system|value}: with {@code activeOnly}, not those marked {@code active=false} (merged away); with
     * {@code withoutMrn}, only Patients that have no MRN ({@code usual} identifier).
     */
    public List<String> idsByIdentifier(Connection c, String type, String system, String value, boolean activeOnly,
                                        boolean withoutMrn, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT s.resource_id FROM fhir_search s WHERE s.resource_type = ? "
                + "AND s.name = ? AND s.value_text = ?");
        if (activeOnly) {
            sql.append(" AND NOT EXISTS (SELECT 1 FROM fhir_search a WHERE a.resource_type = s.resource_type "
                    + "AND a.resource_id = s.resource_id AND a.name = 'active' AND a.value_text = 'false')");
        }
        // no ORDER BY: the limit then stops the index scan early, however many Patients share the identifier
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setString(1, type);
            ps.setString(2, withoutMrn ? SearchIndex.WITHOUT_MRN : "identifier");
            ps.setString(3, SearchIndex.token(system, value));
            ps.setMaxRows(limit);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }

    /** The current version of a resource, read inside the caller's transaction. */
    public Optional<Resource> current(Connection c, String type, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT content FROM fhir_resource WHERE resource_type = ? AND id = ?")) {
            ps.setString(1, type);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of((Resource) fhir.newJsonParser().parseResource(rs.getString(1)))
                        : Optional.empty();
            }
        }
    }

    /**
     * Saves a resource (its id must be set) in the caller's transaction: a new version when its content
     * differs from the current one, nothing when it is the same.
     */
    public Saved save(Connection c, Resource resource, String sourceMessage, Instant now) throws SQLException {
        String type = resource.fhirType();
        String id = resource.getIdElement().getIdPart();
        resource.setId(id);
        resource.setMeta(null);
        IParser json = fhir.newJsonParser();
        String hash = sha256(json.encodeResourceToString(resource));
        int version = 0;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT version_id, content_hash FROM fhir_resource WHERE resource_type = ? AND id = ? FOR UPDATE")) {
            ps.setString(1, type);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    version = rs.getInt(1);
                    if (hash.equals(rs.getString(2))) {
                        return new Saved(type, id, version, false);
                    }
                }
            }
        }
        int next = version + 1;
        Instant updated = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        resource.setMeta(new Meta().setVersionId(Integer.toString(next)).setLastUpdated(Date.from(updated)));
        String content = json.encodeResourceToString(resource);
        LocalDateTime at = LocalDateTime.ofInstant(updated, ZoneOffset.UTC);
        String sql = version == 0
                ? "INSERT INTO fhir_resource (version_id, last_updated, content, content_hash, resource_type, id) VALUES (?,?,?,?,?,?)"
                : "UPDATE fhir_resource SET version_id = ?, last_updated = ?, content = ?, content_hash = ? WHERE resource_type = ? AND id = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, next);
            ps.setObject(2, at);
            ps.setString(3, content);
            ps.setString(4, hash);
            ps.setString(5, type);
            ps.setString(6, id);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO fhir_resource_history "
                + "(resource_type, id, version_id, last_updated, content, source_message) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, type);
            ps.setString(2, id);
            ps.setInt(3, next);
            ps.setObject(4, at);
            ps.setString(5, content);
            ps.setString(6, sourceMessage);
            ps.executeUpdate();
        }
        index(c, resource);
        return new Saved(type, id, next, true);
    }

    private void index(Connection c, Resource resource) throws SQLException {
        String type = resource.fhirType();
        String id = resource.getIdElement().getIdPart();
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM fhir_search WHERE resource_type = ? AND resource_id = ?")) {
            ps.setString(1, type);
            ps.setString(2, id);
            ps.executeUpdate();
        }
        List<SearchIndex.Row> rows = SearchIndex.rows(resource);
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO fhir_search (resource_type, resource_id, name, value_text, value_low, value_high) VALUES (?,?,?,?,?,?)")) {
            for (SearchIndex.Row row : rows) {
                ps.setString(1, type);
                ps.setString(2, id);
                ps.setString(3, row.name());
                ps.setString(4, row.value());
                ps.setObject(5, row.low() == null ? null : LocalDateTime.ofInstant(row.low(), ZoneOffset.UTC));
                ps.setObject(6, row.high() == null ? null : LocalDateTime.ofInstant(row.high(), ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** One page of the resources of a type matching every criterion, most recently updated first. */
    public Page search(String type, List<SearchCriterion> criteria, int count, int offset) {
        return search(type, criteria, count, offset, List.of());
    }

    /**
     * One page of the resources of a type matching every criterion, in {@code sort} order (then by id), or
     * most recently updated first when there is none. Sorting on a search parameter uses its lowest
     * (ascending) or highest (descending) indexed value; resources without one come last.
     */
    public Page search(String type, List<SearchCriterion> criteria, int count, int offset, List<SearchParameters.Sort> sort) {
        StringBuilder where = new StringBuilder(" FROM fhir_resource r WHERE r.resource_type = ?");
        List<Object> params = new ArrayList<>();
        params.add(type);
        for (SearchCriterion criterion : criteria) {
            criterion.appendSql(where, params);
        }
        try (Connection c = dataSource.getConnection()) {
            int total;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*)" + where)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getInt(1);
                }
            }
            List<Stored> page = List.of();
            if (count > 0 && offset < total) {
                try (PreparedStatement ps = c.prepareStatement("SELECT r.resource_type, r.id, r.version_id, r.last_updated, r.content"
                        + where + " ORDER BY " + orderBy(sort) + " LIMIT ? OFFSET ?")) {
                    List<Object> all = new ArrayList<>(params);
                    all.add(count);
                    all.add(offset);
                    bind(ps, all);
                    page = rows(ps);
                }
            }
            return new Page(total, page);
        } catch (SQLException e) {
            throw new StoreUnavailableException("FHIR store unavailable", e);
        }
    }

    /** Only names checked by {@link SearchParameters} reach here; they are never user text in the SQL. */
    private static String orderBy(List<SearchParameters.Sort> sort) {
        if (sort.isEmpty()) {
            return "r.last_updated DESC, r.id";
        }
        StringBuilder sql = new StringBuilder();
        for (SearchParameters.Sort s : sort) {
            String direction = s.descending() ? " DESC NULLS LAST" : " ASC NULLS LAST";
            String key = switch (s.name()) {
                case "_id" -> "r.id";
                case "_lastUpdated" -> "r.last_updated";
                case "birthdate", "date" -> "(SELECT " + (s.descending() ? "MAX" : "MIN") + "(x.value_low) FROM fhir_search x "
                        + "WHERE x.resource_type = r.resource_type AND x.resource_id = r.id AND x.name = '" + s.name() + "')";
                case "family", "given", "name" -> "(SELECT " + (s.descending() ? "MAX" : "MIN") + "(x.value_text) FROM fhir_search x "
                        + "WHERE x.resource_type = r.resource_type AND x.resource_id = r.id AND x.name = '" + s.name() + "')";
                default -> throw new IllegalArgumentException("unsupported sort " + s.name());
            };
            sql.append(key).append(direction).append(", ");
        }
        return sql.append("r.id").toString();
    }

    private Optional<Stored> one(String sql, String type, String id, Integer version) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, type);
            ps.setString(2, id);
            if (version != null) {
                ps.setInt(3, version);
            }
            List<Stored> rows = rows(ps);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
        } catch (SQLException e) {
            throw new StoreUnavailableException("FHIR store unavailable", e);
        }
    }

    private static List<Stored> rows(PreparedStatement ps) throws SQLException {
        List<Stored> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Stored(rs.getString(1), rs.getString(2), rs.getInt(3),
                        rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getString(5)));
            }
        }
        return rows;
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof Instant instant) {
                ps.setObject(i + 1, LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
