package health.caravan.examples;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The examples at one commit: an immutable snapshot that readers use while the next sync builds its
 * successor, so a page never sees a half-synced state.
 */
public final class ExampleLibrary {

    /** A top-level folder: the section readme's text (null for Documents, which has none) and its examples. */
    public record Section(String name, String description, List<Example> examples) {
    }

    public static final ExampleLibrary EMPTY = new ExampleLibrary(null, null, List.of(), Map.of());

    private final String commit;
    private final Instant commitTime;
    private final List<Section> sections;
    private final Map<String, Example> byPath = new LinkedHashMap<>();
    private final Map<String, Example> byPermalink = new LinkedHashMap<>();
    private final Map<String, String> searchText = new LinkedHashMap<>();

    public ExampleLibrary(String commit, Instant commitTime, List<Example> examples, Map<String, String> sectionReadmes) {
        this.commit = commit;
        this.commitTime = commitTime;
        Map<String, List<Example>> bySection = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        sectionReadmes.keySet().forEach(name -> bySection.put(name, new ArrayList<>()));
        for (Example e : examples) {
            bySection.computeIfAbsent(e.section(), k -> new ArrayList<>()).add(e);
            byPath.put(e.path(), e);
            if (e.permalinkId() != null) {
                byPermalink.put(e.permalinkId(), e);
            }
            searchText.put(e.path(), e.searchText());
        }
        List<Section> list = new ArrayList<>();
        bySection.forEach((name, list1) -> {
            list1.sort((a, b) -> a.path().compareToIgnoreCase(b.path()));
            list.add(new Section(name, sectionReadmes.get(name), List.copyOf(list1)));
        });
        this.sections = List.copyOf(list);
    }

    public String commit() {
        return commit;
    }

    public Instant commitTime() {
        return commitTime;
    }

    public List<Section> sections() {
        return sections;
    }

    public Section section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    public Example byPath(String path) {
        return byPath.get(path);
    }

    public Example byPermalink(String id) {
        return id == null ? null : byPermalink.get(PermalinkIds.normalise(id));
    }

    public List<Example> examples() {
        return List.copyOf(byPath.values());
    }

    public int warningCount() {
        return byPath.values().stream().mapToInt(e -> e.warnings().size()).sum();
    }

    /**
     * Examples matching every word of {@code query} (case-insensitive, in name, comments, keywords,
     * template OIDs and names, custodian), with the given approval key (approved, pending, withdrawn,
     * not-reviewed, unsupported; null = any) and, when {@code certification} is non-null, a certification
     * containing it ("" = any certification). Sorted by section, then path.
     */
    public List<Example> search(String query, String section, String approval, String certification) {
        String[] words = query == null ? new String[0] : query.toLowerCase(Locale.ROOT).trim().split("\\s+");
        List<Example> out = new ArrayList<>();
        for (Example e : byPath.values()) {
            if (section != null && !section.equals(e.section())) {
                continue;
            }
            if (approval != null && !approval.equals(e.metadata().approvalKey())) {
                continue;
            }
            if (certification != null) {
                String c = e.metadata().certification();
                if (c == null || !c.toLowerCase(Locale.ROOT).contains(certification.toLowerCase(Locale.ROOT))) {
                    continue;
                }
            }
            String text = searchText.get(e.path());
            boolean all = true;
            for (String w : words) {
                if (!w.isEmpty() && !text.contains(w)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                out.add(e);
            }
        }
        out.sort((a, b) -> {
            int s = a.section().compareToIgnoreCase(b.section());
            return s != 0 ? s : a.path().compareToIgnoreCase(b.path());
        });
        return Collections.unmodifiableList(out);
    }
}
