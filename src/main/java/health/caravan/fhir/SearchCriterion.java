package health.caravan.fhir;

import java.util.List;

/**
 * One search parameter of a request, as SQL over {@code fhir_search}: its values are OR-ed, criteria are
 * AND-ed. Built only by {@link SearchParameters}, which checks names, modifiers and values first.
 */
public record SearchCriterion(String name, Kind kind, List<Match> anyOf) {

    /** How one value matches an index row. */
    public enum Kind { ID, EQUALS, PREFIX, CONTAINS, DATE, LAST_UPDATED }

    /** One value: {@code value} for ID/EQUALS/PREFIX/CONTAINS; {@code prefix} and {@code range} for DATE. */
    public record Match(String value, String prefix, DateRange range) {
    }

    void appendSql(StringBuilder sql, List<Object> params) {
        if (kind == Kind.ID) {
            sql.append(" AND r.id IN (");
            for (int i = 0; i < anyOf.size(); i++) {
                sql.append(i == 0 ? "?" : ",?");
                params.add(anyOf.get(i).value());
            }
            sql.append(')');
            return;
        }
        if (kind == Kind.LAST_UPDATED) {
            sql.append(" AND (");
            for (int i = 0; i < anyOf.size(); i++) {
                sql.append(i == 0 ? "" : " OR ");
                appendLastUpdated(sql, params, anyOf.get(i));
            }
            sql.append(')');
            return;
        }
        sql.append(" AND EXISTS (SELECT 1 FROM fhir_search s WHERE s.resource_type = r.resource_type "
                + "AND s.resource_id = r.id AND s.name = ? AND (");
        params.add(name);
        for (int i = 0; i < anyOf.size(); i++) {
            if (i > 0) {
                sql.append(" OR ");
            }
            Match m = anyOf.get(i);
            switch (kind) {
                case EQUALS -> {
                    sql.append("s.value_text = ?");
                    params.add(m.value());
                }
                case PREFIX -> {
                    sql.append("s.value_text LIKE ? ESCAPE '!'");
                    params.add(like(m.value()) + "%");
                }
                case CONTAINS -> {
                    sql.append("s.value_text LIKE ? ESCAPE '!'");
                    params.add("%" + like(m.value()) + "%");
                }
                case DATE -> appendDate(sql, params, m);
                default -> throw new IllegalStateException(kind.name());
            }
        }
        sql.append("))");
    }

    /** FHIR date prefixes against the row's [low, high) range (high null = open-ended). */
    private static void appendDate(StringBuilder sql, List<Object> params, Match m) {
        DateRange r = m.range();
        switch (m.prefix()) {
            case "eq" -> {
                sql.append("(s.value_low >= ? AND s.value_high IS NOT NULL AND s.value_high <= ?)");
                params.add(r.low());
                params.add(r.high());
            }
            case "ne" -> {
                sql.append("NOT (s.value_low >= ? AND s.value_high IS NOT NULL AND s.value_high <= ?)");
                params.add(r.low());
                params.add(r.high());
            }
            case "gt" -> {
                sql.append("(s.value_high IS NULL OR s.value_high > ?)");
                params.add(r.high());
            }
            case "ge" -> {
                sql.append("(s.value_high IS NULL OR s.value_high > ?)");
                params.add(r.low());
            }
            case "lt" -> {
                sql.append("s.value_low < ?");
                params.add(r.low());
            }
            case "le" -> {
                sql.append("s.value_low < ?");
                params.add(r.high());
            }
            default -> throw new IllegalStateException(m.prefix());
        }
    }

    /** FHIR date prefixes against {@code r.last_updated}, an instant. */
    private static void appendLastUpdated(StringBuilder sql, List<Object> params, Match m) {
        DateRange r = m.range();
        switch (m.prefix()) {
            case "eq" -> sql.append("(r.last_updated >= ? AND r.last_updated < ?)");
            case "ne" -> sql.append("NOT (r.last_updated >= ? AND r.last_updated < ?)");
            case "gt" -> sql.append("r.last_updated >= ?");
            case "ge" -> sql.append("r.last_updated >= ?");
            case "lt" -> sql.append("r.last_updated < ?");
            case "le" -> sql.append("r.last_updated < ?");
            default -> throw new IllegalStateException(m.prefix());
        }
        switch (m.prefix()) {
            case "eq", "ne" -> {
                params.add(r.low());
                params.add(r.high());
            }
            case "gt", "le" -> params.add(r.high());
            default -> params.add(r.low());
        }
    }

    private static String like(String value) {
        return value.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
