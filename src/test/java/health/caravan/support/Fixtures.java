package health.caravan.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The Polaris inbound fixtures copied from ../shared/fixtures (src/test/resources/fixtures/polaris/inbound). */
public final class Fixtures {

    public static final ObjectMapper JSON = new ObjectMapper();

    /** One fixture: name, exact bytes, and its expected outcome. */
    public record Inbound(String name, byte[] bytes, JsonNode expected) {
        public String text() {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }

        public String zone() {
            return expected.has("server_timezone") ? expected.get("server_timezone").asText() : "UTC";
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Fixtures() {
    }

    public static List<Inbound> inbound() {
        List<Inbound> all = new ArrayList<>();
        all.addAll(load("fixtures/polaris/inbound"));
        all.addAll(load("fixtures/polaris/inbound/edge-cases"));
        return all;
    }

    private static List<Inbound> load(String dir) {
        try {
            Path path = Path.of(Fixtures.class.getClassLoader().getResource(dir).toURI());
            List<Inbound> list = new ArrayList<>();
            try (Stream<Path> files = Files.list(path)) {
                for (Path hl7 : files.filter(p -> p.toString().endsWith(".hl7")).sorted().toList()) {
                    String name = hl7.getFileName().toString().replace(".hl7", "");
                    Path expected = hl7.resolveSibling(name + ".expected.json");
                    list.add(new Inbound(name, Files.readAllBytes(hl7), JSON.readTree(expected.toFile())));
                }
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** File names in a resource folder. */
    public static List<String> resourceNames(String dir) throws IOException, URISyntaxException {
        Path path = Path.of(Fixtures.class.getClassLoader().getResource(dir).toURI());
        try (Stream<Path> files = Files.list(path)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    public static byte[] resource(String name) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
