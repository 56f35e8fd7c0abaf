package health.caravan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The package layout of docs/architecture.md: one package per feature, features reach only the shared
 * infrastructure (never each other), the infrastructure never reaches a feature, {@code hl7} is the bottom
 * layer and {@code transformations} stays free of Camel. Only the wiring in the root package sees everything.
 */
class PackageRulesTest {

    private static final Path SOURCES = Path.of("src/main/java/health/caravan");
    private static final Pattern REFERENCE = Pattern.compile("health\\.caravan\\.([a-z]\\w*)");
    /** Shared, feature-neutral packages: what a feature may use besides itself. */
    private static final Set<String> INFRASTRUCTURE = Set.of("hl7", "store", "web", "security", "mllp", "transformations");

    @Test
    void featuresReachOnlyTheSharedInfrastructure() {
        List<String> violations = new ArrayList<>();
        references().forEach((from, targets) -> {
            for (String to : targets) {
                if (!from.equals("(root)") && !INFRASTRUCTURE.contains(to)) {
                    violations.add(from + " -> " + to);
                }
            }
        });
        assertEquals(List.of(), violations);
    }

    @Test
    void hl7IsTheBottomLayerAndTransformationsBuildOnlyOnIt() {
        Map<String, Set<String>> refs = references();
        assertEquals(Set.of(), refs.getOrDefault("hl7", Set.of()), "hl7 imports no other Caravan package");
        assertTrue(Set.of("hl7").containsAll(refs.getOrDefault("transformations", Set.of())),
                "transformations imports only hl7: " + refs.get("transformations"));
    }

    @Test
    void transformationsHaveNoCamelImports() {
        sources(SOURCES.resolve("transformations")).forEach(file ->
                assertFalse(read(file).contains("org.apache.camel"), file + " imports Camel"));
    }

    @Test
    void thereIsNoProcessorsPackage() {
        assertFalse(Files.exists(SOURCES.resolve("processors")),
                "Camel-facing beans live in their feature's package; processors/ at the top level is for the site's own");
    }

    /** Top-level package (below health.caravan) → the other top-level packages its sources name. */
    private static Map<String, Set<String>> references() {
        Map<String, Set<String>> refs = new TreeMap<>();
        sources(SOURCES).forEach(file -> {
            Path dir = SOURCES.relativize(file).getParent();
            String from = dir == null ? "(root)" : dir.getName(0).toString();
            Set<String> targets = refs.computeIfAbsent(from, k -> new TreeSet<>());
            for (String line : read(file).split("\n")) {
                if (line.startsWith("package ")) {
                    continue;
                }
                Matcher m = REFERENCE.matcher(line);
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        targets.add(m.group(1));
                    }
                }
            }
        });
        return refs;
    }

    private static List<Path> sources(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
