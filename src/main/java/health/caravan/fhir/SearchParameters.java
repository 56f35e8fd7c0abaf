package health.caravan.fhir;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The search parameters Caravan's FHIR store supports, and the parsing of a search query string into
 * {@link SearchCriterion}s plus paging. Anything unsupported (parameter, modifier, value) is an
 * {@link InvalidSearchException}: a 400 OperationOutcome, never an ignored parameter.
 */
public final class SearchParameters {

    /** The FHIR search parameter types used here. */
    public enum Type { TOKEN, STRING, DATE, REFERENCE, ID }

    /** A supported parameter; {@code target} is the referenced type of a reference parameter. */
    public record Definition(String name, Type type, String target, String description) {
    }

    public static final int DEFAULT_COUNT = 20;
    /** The largest page: a larger {@code _count} is served as this many (FHIR lets a server cap it). */
    public static final int MAX_COUNT = 200;
    public static final int MAX_OFFSET = 1_000_000;

    /** Result and format parameters, not search criteria. */
    public static final Set<String> CONTROL = Set.of("_count", "_offset", "_format", "_pretty", "_total", "_summary",
            "_elements", "_sort", "_include", "_revinclude");

    /** The {@code _include} values supported, by searched type ({@code Type:param}). */
    private static final Map<String, List<String>> INCLUDES = Map.of(
            "Patient", List.of(), "Location", List.of(),
            "Encounter", List.of("Encounter:patient", "Encounter:subject", "Encounter:location"));
    /** The {@code _revinclude} values supported, by searched type. */
    private static final Map<String, List<String>> REVINCLUDES = Map.of(
            "Patient", List.of("Encounter:patient", "Encounter:subject"), "Location", List.of(), "Encounter", List.of());
    /** The {@code _sort} parameters supported, by type (besides {@code _id} and {@code _lastUpdated}). */
    private static final Map<String, List<String>> SORTS = Map.of(
            "Patient", List.of("family", "given", "birthdate"), "Encounter", List.of("date"), "Location", List.of("name"));

    private static final Map<String, List<Definition>> BY_TYPE = new LinkedHashMap<>();

    static {
        BY_TYPE.put("Patient", List.of(
                new Definition("_id", Type.ID, null, "Logical id"),
                new Definition("_lastUpdated", Type.DATE, null, "When the resource last changed (eq, ne, lt, le, gt, ge)"),
                new Definition("identifier", Type.TOKEN, null, "NHS number or MRN, system|value or value"),
                new Definition("family", Type.STRING, null, "Family name (starts with, case-insensitive; :exact, :contains)"),
                new Definition("given", Type.STRING, null, "Given name (starts with, case-insensitive; :exact, :contains)"),
                new Definition("name", Type.STRING, null, "Family or given name"),
                new Definition("birthdate", Type.DATE, null, "Date of birth (eq, ne, lt, le, gt, ge)"),
                new Definition("gender", Type.TOKEN, null, "male | female | other | unknown"),
                new Definition("active", Type.TOKEN, null, "false for a patient merged into another")));
        BY_TYPE.put("Encounter", List.of(
                new Definition("_id", Type.ID, null, "Logical id"),
                new Definition("_lastUpdated", Type.DATE, null, "When the resource last changed (eq, ne, lt, le, gt, ge)"),
                new Definition("identifier", Type.TOKEN, null, "Visit number"),
                new Definition("patient", Type.REFERENCE, "Patient", "The patient (Patient/id or id)"),
                new Definition("subject", Type.REFERENCE, "Patient", "Same as patient"),
                new Definition("status", Type.TOKEN, null, "planned | in-progress | onleave | finished | cancelled | entered-in-error"),
                new Definition("class", Type.TOKEN, null, "IMP, AMB, EMER, PRENC, SS"),
                new Definition("date", Type.DATE, null, "The encounter period (eq, ne, lt, le, gt, ge)"),
                new Definition("location", Type.REFERENCE, "Location", "A location of the encounter")));
        BY_TYPE.put("Location", List.of(
                new Definition("_id", Type.ID, null, "Logical id"),
                new Definition("_lastUpdated", Type.DATE, null, "When the resource last changed (eq, ne, lt, le, gt, ge)"),
                new Definition("identifier", Type.TOKEN, null, "ward, ward/bay or ward/bay/bed code"),
                new Definition("name", Type.STRING, null, "Name (starts with, case-insensitive; :exact, :contains)"),
                new Definition("partof", Type.REFERENCE, "Location", "The parent location")));
    }

    /**
     * A parsed search request. {@code echo} holds every parameter but {@code _count} and {@code _offset}, for
     * the paging links; {@code summaryCount} is {@code _summary=count}; {@code elements} the {@code _elements}
     * (empty: all).
     */
    public record Query(List<SearchCriterion> criteria, int count, int offset, List<String[]> echo, List<Sort> sort,
                        boolean summaryCount, List<String> elements, List<String> includes, List<String> revincludes) {
    }

    /** One {@code _sort} key. */
    public record Sort(String name, boolean descending) {
    }

    private SearchParameters() {
    }

    public static Set<String> resourceTypes() {
        return BY_TYPE.keySet();
    }

    public static List<Definition> definitions(String type) {
        return BY_TYPE.getOrDefault(type, List.of());
    }

    /**
     * @param rawQuery the request's raw query string (may be null)
     * @throws InvalidSearchException for an unknown parameter or modifier, or a bad value
     */
    public static Query parse(String type, String rawQuery) {
        List<SearchCriterion> criteria = new ArrayList<>();
        List<String[]> echo = new ArrayList<>();
        List<Sort> sort = new ArrayList<>();
        List<String> elements = new ArrayList<>();
        List<String> includes = new ArrayList<>();
        List<String> revincludes = new ArrayList<>();
        boolean summaryCount = false;
        int count = DEFAULT_COUNT;
        int offset = 0;
        for (String[] pair : pairs(rawQuery)) {
            String key = pair[0];
            String value = pair[1];
            if (CONTROL.contains(key)) {
                switch (key) {
                    case "_count" -> count = Math.min(MAX_COUNT, number(key, value, 0, Integer.MAX_VALUE));
                    case "_offset" -> offset = number(key, value, 0, MAX_OFFSET);
                    case "_summary" -> {
                        if (!value.equals("count") && !value.equals("false")) {
                            throw new InvalidSearchException("_summary supports count and false");
                        }
                        summaryCount = value.equals("count");
                    }
                    case "_elements" -> elements.addAll(elements(type, value));
                    case "_sort" -> sort.addAll(sort(type, value));
                    case "_include" -> includes.add(oneOf(key, value, INCLUDES.get(type), type));
                    case "_revinclude" -> revincludes.add(oneOf(key, value, REVINCLUDES.get(type), type));
                    default -> { }
                }
                if (!key.equals("_count") && !key.equals("_offset")) {
                    echo.add(pair);
                }
                continue;
            }
            int colon = key.indexOf(':');
            String name = colon < 0 ? key : key.substring(0, colon);
            String modifier = colon < 0 ? null : key.substring(colon + 1);
            Definition d = definitions(type).stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElseThrow(() -> new InvalidSearchException("Unknown search parameter '" + name + "' for " + type
                            + "; supported: " + String.join(", ", definitions(type).stream().map(Definition::name).toList())));
            if (value.isEmpty()) {
                throw new InvalidSearchException("Search parameter '" + key + "' has no value");
            }
            criteria.add(criterion(d, modifier, value));
            echo.add(pair);
        }
        return new Query(criteria, count, offset, echo, sort, summaryCount, elements, includes, revincludes);
    }

    /** {@code _include} values supported for a search of this type. */
    public static List<String> includes(String type) {
        return INCLUDES.getOrDefault(type, List.of());
    }

    /** {@code _revinclude} values supported for a search of this type. */
    public static List<String> revincludes(String type) {
        return REVINCLUDES.getOrDefault(type, List.of());
    }

    /** {@code _sort} parameters supported for this type. */
    public static List<String> sorts(String type) {
        List<String> all = new ArrayList<>(List.of("_id", "_lastUpdated"));
        all.addAll(SORTS.getOrDefault(type, List.of()));
        return all;
    }

    private static String oneOf(String key, String value, List<String> supported, String type) {
        if (!supported.contains(value)) {
            throw new InvalidSearchException("Unsupported " + key + " '" + value + "' on a " + type + " search"
                    + (supported.isEmpty() ? " (none supported)" : " (supported: " + String.join(", ", supported) + ")"));
        }
        return value;
    }

    private static List<Sort> sort(String type, String value) {
        List<Sort> keys = new ArrayList<>();
        for (String k : value.split(",")) {
            boolean descending = k.startsWith("-");
            String name = descending ? k.substring(1) : k;
            if (!sorts(type).contains(name)) {
                throw new InvalidSearchException("Unsupported _sort '" + name + "' for " + type + " (supported: "
                        + String.join(", ", sorts(type)) + ")");
            }
            keys.add(new Sort(name, descending));
        }
        return keys;
    }

    /** Top-level element names ({@code name} or {@code Patient.name}), checked against the resource type. */
    private static List<String> elements(String type, String value) {
        List<String> names = new ArrayList<>();
        org.hl7.fhir.r4.model.Resource probe = switch (type) {
            case "Patient" -> new org.hl7.fhir.r4.model.Patient();
            case "Encounter" -> new org.hl7.fhir.r4.model.Encounter();
            default -> new org.hl7.fhir.r4.model.Location();
        };
        for (String e : value.split(",")) {
            String name = e.strip();
            if (name.startsWith(type + ".")) {
                name = name.substring(type.length() + 1);
            }
            if (name.isEmpty() || name.contains(".") || probe.getNamedProperty(name) == null) {
                throw new InvalidSearchException("_elements: '" + e + "' is not a top-level element of " + type);
            }
            names.add(name);
        }
        return names;
    }

    private static SearchCriterion criterion(Definition d, String modifier, String value) {
        List<String> values = splitOr(value);
        List<SearchCriterion.Match> matches = new ArrayList<>();
        SearchCriterion.Kind kind;
        switch (d.type()) {
            case ID -> {
                noModifier(d, modifier);
                kind = SearchCriterion.Kind.ID;
                values.forEach(v -> matches.add(new SearchCriterion.Match(v, null, null)));
            }
            case TOKEN -> {
                noModifier(d, modifier);
                kind = SearchCriterion.Kind.EQUALS;
                for (String v : values) {
                    if (v.endsWith("|")) {
                        throw new InvalidSearchException("Search parameter '" + d.name() + "': give a code after the system");
                    }
                    matches.add(new SearchCriterion.Match(v, null, null));
                }
            }
            case STRING -> {
                if (modifier == null) {
                    kind = SearchCriterion.Kind.PREFIX;
                } else if (modifier.equals("exact")) {
                    kind = SearchCriterion.Kind.EQUALS;
                } else if (modifier.equals("contains")) {
                    kind = SearchCriterion.Kind.CONTAINS;
                } else {
                    throw new InvalidSearchException("Unsupported modifier ':" + modifier + "' on '" + d.name()
                            + "' (supported: :exact, :contains)");
                }
                // :exact compares the index's lower-case form too: FHIR strings here are case-insensitive
                values.forEach(v -> matches.add(new SearchCriterion.Match(SearchIndex.normalise(v), null, null)));
            }
            case REFERENCE -> {
                if (modifier != null && !modifier.equals(d.target())) {
                    throw new InvalidSearchException("Unsupported modifier ':" + modifier + "' on '" + d.name() + "'");
                }
                kind = SearchCriterion.Kind.EQUALS;
                values.forEach(v -> matches.add(new SearchCriterion.Match(reference(d, v), null, null)));
            }
            case DATE -> {
                noModifier(d, modifier);
                kind = d.name().equals("_lastUpdated") ? SearchCriterion.Kind.LAST_UPDATED : SearchCriterion.Kind.DATE;
                for (String v : values) {
                    String prefix = "eq";
                    String date = v;
                    if (v.length() > 2 && Character.isLetter(v.charAt(0))) {
                        prefix = v.substring(0, 2);
                        date = v.substring(2);
                        if (!Set.of("eq", "ne", "lt", "le", "gt", "ge").contains(prefix)) {
                            throw new InvalidSearchException("Unsupported date prefix '" + prefix + "' on '" + d.name()
                                    + "' (supported: eq, ne, lt, le, gt, ge)");
                        }
                    }
                    try {
                        matches.add(new SearchCriterion.Match(null, prefix, DateRange.parse(date)));
                    } catch (IllegalArgumentException e) {
                        throw new InvalidSearchException("Search parameter '" + d.name() + "': " + e.getMessage());
                    }
                }
            }
            default -> throw new IllegalStateException(d.type().name());
        }
        return new SearchCriterion(d.name(), kind, matches);
    }

    /** {@code Patient/123}, {@code 123} or {@code http://host/fhir/Patient/123} → {@code Patient/123}. */
    private static String reference(Definition d, String value) {
        String[] parts = value.split("/");
        String id = parts[parts.length - 1];
        if (parts.length >= 2 && !parts[parts.length - 2].equals(d.target())) {
            throw new InvalidSearchException("Search parameter '" + d.name() + "' refers to " + d.target() + " resources");
        }
        if (id.isEmpty() || !id.matches("[A-Za-z0-9\\-.]{1,64}")) {
            throw new InvalidSearchException("Search parameter '" + d.name() + "': not a resource id");
        }
        return d.target() + "/" + id;
    }

    private static void noModifier(Definition d, String modifier) {
        if (modifier != null) {
            throw new InvalidSearchException("Unsupported modifier ':" + modifier + "' on '" + d.name() + "'");
        }
    }

    private static int number(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new InvalidSearchException(name + " must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidSearchException(name + " must be a whole number");
        }
    }

    /** Comma-separated values are OR-ed; {@code \,} is a literal comma. */
    private static List<String> splitOr(String value) {
        List<String> values = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && value.charAt(i + 1) == ',') {
                current.append(',');
                i++;
            } else if (c == ',') {
                values.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        values.add(current.toString());
        if (values.stream().anyMatch(String::isEmpty)) {
            throw new InvalidSearchException("Empty value in a comma-separated list");
        }
        return values;
    }

    private static List<String[]> pairs(String rawQuery) {
        List<String[]> pairs = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return pairs;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                pairs.add(new String[] {
                        URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)});
            } catch (IllegalArgumentException e) {
                throw new InvalidSearchException("Malformed query string");
            }
        }
        return pairs;
    }
}
