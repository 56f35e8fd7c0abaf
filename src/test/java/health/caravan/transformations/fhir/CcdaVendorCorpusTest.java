package health.caravan.transformations.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

import ca.uhn.fhir.context.FhirContext;

/**
 * The vendor corpus ({@code src/test/resources/ccda-vendors/}: 239 XML files, the "236 C-CDA documents from 26
 * certified EHR products" of its README): every document converts, and its Bundle (with every resource in it) validates with 0 errors using
 * the same offline validator chain as {@link CcdaToFhirConverterTest}. Prints one line per document (errors,
 * warnings), the error kinds and the warning total. One validator for the whole corpus.
 */
class CcdaVendorCorpusTest {

    private static final FhirContext CTX = FhirContext.forR4Cached();

    @Test
    void everyVendorDocumentGivesABundleWithoutValidationErrors() throws IOException, URISyntaxException {
        URL readme = getClass().getResource("/ccda-vendors/README.md");
        assertNotNull(readme, "the corpus is on the test classpath");
        Path root = Path.of(readme.toURI()).getParent();
        List<Path> documents;
        try (Stream<Path> files = Files.walk(root)) {
            documents = files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml"))
                    .sorted().toList();
        }
        assertFalse(documents.isEmpty());

        CcdaToFhirConverter converter = new CcdaToFhirConverter(CTX);
        FhirResourceValidator validator = new FhirResourceValidator(CTX);
        int errors = 0;
        int warnings = 0;
        int failedDocuments = 0;
        List<String> conversionFailures = new ArrayList<>();
        Map<String, Integer> kinds = new TreeMap<>();
        Map<String, Integer> warningKinds = new TreeMap<>();
        String dump = System.getProperty("ccda.corpus.dump"); // a directory for the Bundles' JSON, when debugging
        long start = System.nanoTime();
        for (Path document : documents) {
            String name = root.relativize(document).toString();
            Bundle bundle;
            try {
                bundle = converter.convert(Files.readAllBytes(document));
            } catch (RuntimeException e) {
                conversionFailures.add(name + ": " + e);
                System.out.printf("FAIL  %s: %s%n", name, e);
                continue;
            }
            if (dump != null) {
                Path out = Path.of(dump).resolve(name + ".json");
                Files.createDirectories(out.getParent());
                Files.writeString(out, CTX.newJsonParser().setPrettyPrint(true).encodeResourceToString(bundle));
            }
            int documentErrors = 0;
            int documentWarnings = 0;
            for (String message : validator.messages(bundle)) {
                if (message.startsWith("ERROR") || message.startsWith("FATAL")) {
                    documentErrors++;
                    kinds.merge(kind(message), 1, Integer::sum);
                    System.out.printf("      %s%n", message);
                } else if (message.startsWith("WARNING")) {
                    documentWarnings++;
                    warningKinds.merge(kind(message).replaceAll("[0-9]", "#"), 1, Integer::sum);
                }
            }
            System.out.printf("%3d errors %4d warnings  %s (%d entries)%n", documentErrors, documentWarnings, name,
                    bundle.getEntry().size());
            errors += documentErrors;
            warnings += documentWarnings;
            if (documentErrors > 0) {
                failedDocuments++;
            }
        }
        System.out.printf("Error kinds:%n");
        kinds.forEach((k, n) -> System.out.printf("%5d  %s%n", n, k));
        System.out.printf("Most frequent warning kinds:%n");
        warningKinds.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
                .forEach(e -> System.out.printf("%6d  %s%n", e.getValue(), e.getKey()));
        System.out.printf("Corpus: %d documents, %d with errors, %d errors, %d warnings, %d conversion failures, %d s%n",
                documents.size(), failedDocuments, errors, warnings, conversionFailures.size(),
                (System.nanoTime() - start) / 1_000_000_000L);
        assertEquals(List.of(), conversionFailures, "every document converts");
        assertEquals(0, errors, "validation errors in the vendor corpus (see the output above)");
    }

    /** The message without its location and quoted values, to count the kinds of error. */
    private static String kind(String message) {
        int colon = message.indexOf(": ");
        String text = colon < 0 ? message : message.substring(colon + 2);
        text = text.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
        return text.length() > 160 ? text.substring(0, 160) : text;
    }
}
