package health.caravan.extract;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.apache.camel.Exchange;

import health.caravan.security.Caller;
import health.caravan.store.StoreUnavailableException;
import health.caravan.web.ApiException;
import health.caravan.web.QueryParameters;
import health.caravan.security.RequireToken;
import health.caravan.web.HttpResponses;

/** Extract runs: start one by hand, list the history, show one run with its datasets (counts only). */
public final class ExtractApi {

    private final ExtractRunner runner;
    private final DataSource db;

    public ExtractApi(ExtractRunner runner, DataSource db) {
        this.runner = runner;
        this.db = db;
    }

    /**
     * {@code POST /caravan/v1/extracts/runs[?mode=FILE|LIVE]}: 202 with the run id, 409 while a run is
     * going on, 501 when extracts are not configured. {@code mode=FILE} tries the queries without posting.
     */
    public void trigger(Exchange exchange) {
        Map<String, String> q = QueryParameters.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class),
                java.util.Set.of("mode"));
        String mode = q.getOrDefault("mode", null);
        if (mode != null && !mode.equalsIgnoreCase("FILE") && !mode.equalsIgnoreCase("LIVE")) {
            throw new ApiException(400, "'mode' must be LIVE or FILE");
        }
        Caller caller = RequireToken.caller(exchange);
        Optional<String> id;
        try {
            String by = caller == null ? "unknown" : caller.systemId();
            id = mode == null ? runner.trigger(by) : runner.trigger(by, mode.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalStateException e) {
            throw new ApiException(501, e.getMessage());
        }
        if (id.isEmpty()) {
            throw new ApiException(409, "An extract run is already going on");
        }
        HttpResponses.json(exchange, 202, Map.of("id", id.get(), "outcome", "RUNNING"));
    }

    /** {@code GET /caravan/v1/extracts/runs}: the last 50 runs, newest first. */
    public void list(Exchange exchange) {
        List<Map<String, Object>> runs = runs("SELECT id, trigger_by, mode, since_date, started, ended, outcome, error "
                + "FROM extract_run ORDER BY started DESC", null, 50);
        for (Map<String, Object> run : runs) {
            run.put("datasets", datasets((String) run.get("id")));
        }
        HttpResponses.json(exchange, 200, runs);
    }

    /** {@code GET /caravan/v1/extracts/runs/{run_id}} */
    public void get(Exchange exchange) {
        String id = exchange.getMessage().getHeader("run_id", String.class);
        List<Map<String, Object>> runs = runs("SELECT id, trigger_by, mode, since_date, started, ended, outcome, error "
                + "FROM extract_run WHERE id = ?", id, 1);
        if (runs.isEmpty()) {
            throw new ApiException(404, "Extract run not found");
        }
        Map<String, Object> run = runs.get(0);
        run.put("datasets", datasets(id));
        HttpResponses.json(exchange, 200, run);
    }

    private List<Map<String, Object>> runs(String sql, String parameter, int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> run = new LinkedHashMap<>();
                    run.put("id", rs.getString(1));
                    run.put("trigger", rs.getString(2));
                    run.put("mode", rs.getString(3));
                    run.put("since", rs.getString(4));
                    run.put("started", time(rs.getObject(5, java.time.LocalDateTime.class)));
                    run.put("ended", time(rs.getObject(6, java.time.LocalDateTime.class)));
                    run.put("outcome", rs.getString(7));
                    run.put("error", rs.getString(8));
                    out.add(run);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreUnavailableException("extract history unavailable", e);
        }
    }

    private List<Map<String, Object>> datasets(String runId) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT dataset, rows_read, batches, failed_rows, failed_ids, import_ids, outcome, error "
                        + "FROM extract_run_dataset WHERE run_id = ? ORDER BY dataset")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("dataset", rs.getString(1));
                    d.put("rows", rs.getLong(2));
                    d.put("batches", rs.getInt(3));
                    d.put("failed_rows", rs.getInt(4));
                    d.put("failed_ids", split(rs.getString(5)));
                    d.put("import_ids", split(rs.getString(6)));
                    d.put("outcome", rs.getString(7));
                    d.put("error", rs.getString(8));
                    out.add(d);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreUnavailableException("extract history unavailable", e);
        }
    }

    private static List<String> split(String s) {
        return s == null || s.isEmpty() ? List.of() : List.of(s.split(","));
    }

    private static String time(java.time.LocalDateTime t) {
        return t == null ? null : t + "Z";
    }
}
