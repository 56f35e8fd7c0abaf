import java.nio.file.Files;
import java.nio.file.Path;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import health.caravan.transformations.fhir.CcdaToFhirConverter;

/**
 * C-CDA → FHIR R4 document Bundle throughput, JSON serialisation included, on one thread.
 *
 *   java -cp target/caravan.jar bench/CcdaToFhirBench.java <ccda.xml> [seconds]
 *
 * Warms up for a third of the time (at least 3 s), then converts the file repeatedly for [seconds] (default 10) and
 * prints: file, bytes, resources, json_bytes, docs_per_s, mean_ms.
 */
public class CcdaToFhirBench {

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: CcdaToFhirBench <ccda.xml> [seconds]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        byte[] xml = Files.readAllBytes(file);
        FhirContext ctx = FhirContext.forR4Cached();
        CcdaToFhirConverter converter = new CcdaToFhirConverter(ctx);
        IParser json = ctx.newJsonParser();

        int resources = converter.convert(xml).getEntry().size();
        int jsonBytes = json.encodeResourceToString(converter.convert(xml)).length();
        long sink = 0;
        long warmupEnd = System.nanoTime() + (long) (Math.max(3, seconds / 3) * 1e9);
        while (System.nanoTime() < warmupEnd) {
            sink += json.encodeResourceToString(converter.convert(xml)).length();
        }
        long n = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            sink += json.encodeResourceToString(converter.convert(xml)).length();
            n++;
            now = System.nanoTime();
        } while (now < end);
        double elapsed = (now - start) / 1e9;
        System.out.printf("file=%s bytes=%d resources=%d json_bytes=%d docs_per_s=%.1f mean_ms=%.3f (sink %d)%n",
                file.getFileName(), xml.length, resources, jsonBytes, n / elapsed, elapsed * 1000 / n, sink % 10);
    }
}
