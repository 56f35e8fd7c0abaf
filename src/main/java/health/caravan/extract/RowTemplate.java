package health.caravan.extract;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A ReqCheck-Extractor template: output field → how to make it from the query's columns.
 * <pre>{"patient_number": {"column": "patient_number"},
 *  "dob": {"process_as": "date"},
 *  "resident_id": {"process_as": "anonymous", "process_with": "opaque_id"}}</pre>
 * {@code column} defaults to the field name; {@code process_as} is {@code string} (the default; numbers
 * become strings), {@code date} (SQL dates → {@code YYYY-MM-DD}, timestamps → ISO-8601 with the offset
 * of the configured zone), {@code boolean}, or {@code anonymous}: HMAC-SHA256 with the ReqCheck key over
 * the value, salted with the value of the {@code process_with} column ({@code salt + ":" + value}), hex.
 * Null values are left out of the row.
 */
public final class RowTemplate {

    private static final Set<String> KINDS = Set.of("string", "date", "boolean", "anonymous");
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");

    private record Field(String name, String column, String processAs, String processWith) {
    }

    private final List<Field> fields;

    private RowTemplate(List<Field> fields) {
        this.fields = fields;
    }

    public static RowTemplate parse(JsonNode template) {
        List<Field> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode spec = e.getValue();
            String kind = spec.path("process_as").asText("string").toLowerCase(Locale.ROOT);
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("Field '" + e.getKey() + "': unknown process_as '" + kind + "'");
            }
            fields.add(new Field(e.getKey(), spec.path("column").asText(e.getKey()).toLowerCase(Locale.ROOT), kind,
                    spec.path("process_with").isTextual() ? spec.get("process_with").asText().toLowerCase(Locale.ROOT) : null));
        }
        return new RowTemplate(fields);
    }

    /** True when a field is hashed with the anonymisation key ({@code process_as: anonymous}). */
    public boolean usesAnonymisation() {
        return fields.stream().anyMatch(f -> "anonymous".equals(f.processAs()));
    }

    public List<String> fieldNames() {
        return fields.stream().map(Field::name).toList();
    }

    /**
     * @param row columns (lower-case names) of one result row
     */
    public Map<String, Object> apply(Map<String, Object> row, byte[] anonymisationKey, ZoneId zone) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field f : fields) {
            Object v = row.get(f.column());
            if (v == null) {
                continue;
            }
            out.put(f.name(), switch (f.processAs()) {
                case "date" -> date(v, zone);
                case "boolean" -> bool(v);
                case "anonymous" -> anonymous(v, f.processWith() == null ? null : row.get(f.processWith()), anonymisationKey);
                default -> string(v);
            });
        }
        return out;
    }

    private static String string(Object v) {
        if (v instanceof java.math.BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        return v.toString();
    }

    private static Object date(Object v, ZoneId zone) {
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (v instanceof LocalDate d) {
            return d.toString();
        }
        if (v instanceof Timestamp t) {
            return t.toLocalDateTime().atZone(zone).format(ISO);
        }
        if (v instanceof LocalDateTime t) {
            return t.atZone(zone).format(ISO);
        }
        if (v instanceof OffsetDateTime t) {
            return t.format(ISO);
        }
        return v.toString();
    }

    private static Object bool(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.intValue() != 0;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        return s.equals("true") || s.equals("t") || s.equals("y") || s.equals("yes") || s.equals("1");
    }

    static String anonymous(Object value, Object salt, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            String input = (salt == null ? "" : string(salt)) + ":" + string(value);
            return HexFormat.of().formatHex(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
