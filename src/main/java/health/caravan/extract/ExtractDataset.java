package health.caravan.extract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One dataset of a timed extract, read from {@code transformations/extracts/<name>.dataset.json}:
 * {@code {"name", "query": "x.sql", "template": "x.template.json", "endpoint": "patient_data",
 * "batch_size": 500, "keep_together": "patient_number"}}. The payload key is the endpoint's name
 * ({@code {"patient_data": [...]}}); rows with the same {@code keep_together} value (consecutive: the
 * SQL must order by it) are never split across batches.
 */
public record ExtractDataset(String name, String sql, RowTemplate template, String endpoint, int batchSize,
                             String keepTogether) {

    public static List<ExtractDataset> loadAll(Path dir) throws IOException {
        List<ExtractDataset> all = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return all;
        }
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".dataset.json")).sorted().toList()) {
                JsonNode d = json.readTree(f.toFile());
                String name = required(d, "name", f);
                String sql = Files.readString(dir.resolve(required(d, "query", f)));
                RowTemplate template = RowTemplate.parse(json.readTree(dir.resolve(required(d, "template", f)).toFile()));
                String endpoint = required(d, "endpoint", f).replaceAll("^/+", "");
                int batch = d.path("batch_size").asInt(500);
                String keep = d.path("keep_together").isTextual() ? d.get("keep_together").asText() : null;
                all.add(new ExtractDataset(name, sql, template, endpoint, batch, keep));
            }
        }
        return all;
    }

    private static String required(JsonNode d, String key, Path file) {
        if (!d.path(key).isTextual() || d.get(key).asText().isBlank()) {
            throw new IllegalArgumentException(file + ": '" + key + "' is required");
        }
        return d.get(key).asText();
    }

    /** The JSON payload key: the endpoint's last path segment ({@code patient_data}, {@code vaccine_dose_data}). */
    public String payloadKey() {
        String e = endpoint;
        int slash = e.lastIndexOf('/');
        return slash >= 0 ? e.substring(slash + 1) : e;
    }
}
