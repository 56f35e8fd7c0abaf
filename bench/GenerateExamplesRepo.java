import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.eclipse.jgit.api.Git;

/**
 * Writes a C-CDA-Examples-shaped Git repository for the sync benchmark: 26 sections, 159 curated
 * examples (about 120 with permalinks) and 238 Guide Examples, XML sizes drawn to match the real
 * corpus (median ≈1.1 KB, a few of 100-250 KB; ≈2.7 MB in all), committed into a bare repository.
 *
 *   java -cp target/caravan.jar bench/GenerateExamplesRepo.java <dir>
 */
public class GenerateExamplesRepo {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path bare = root.resolve("origin.git");
        Path work = root.resolve("author");
        Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("master").call().close();
        Random random = new Random(42);
        try (Git git = Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(work.toFile()).call()) {
            String[] sections = new String[25];
            for (int i = 0; i < 25; i++) {
                sections[i] = "Section " + (char) ('A' + i) + " (examples)";
                write(work.resolve(sections[i]).resolve("Readme.md"), "## " + sections[i] + " Examples from C-CDA\n");
            }
            long bytes = 0;
            for (int i = 0; i < 159; i++) {
                String section = sections[i % 25];
                Path dir = work.resolve(section).resolve("Curated example " + i + ", variant (" + (i % 7) + ")");
                String permalink = i % 4 == 3 ? "" : "\n### Permalink\n\n* [http://cdasearch.hl7.org/examples/view/"
                        + String.format("%040x", i * 7919L + 1) + "](http://cdasearch.hl7.org/examples/view/"
                        + String.format("%040x", i * 7919L + 1) + ")\n";
                write(dir.resolve(i % 3 == 0 ? "README.md" : "Readme.md"), "## Approval Status \n\n* Approval Status: Approved\n"
                        + "* Example Task Force: 2/27/2015\n* SDWG: 3/6/2015\n\n### C-CDA 2.1 Example:\n\n* Template "
                        + i + " 2.16.840.1.113883.10.20.22.4." + i + ":2015-08-01\n\n### Reference to full CDA sample:\n* N/A\n\n"
                        + "### Validation location\n\n* [SITE](https://site.healthit.gov/sandbox-ccda/ccda-validator)\n\n"
                        + "### Comments\n\n* Curated example number " + i + " with a [link](https://example.org/" + i + ").\n\n"
                        + "### Custodian\n\n* Curator " + (i % 9) + " (GitHub: curator" + (i % 9) + ")\n\n### Keywords\n\n* word"
                        + i + ", section " + (i % 25) + ", allergy\n" + permalink);
                int size = curatedSize(random);
                bytes += size;
                write(dir.resolve("Example " + i + "(C-CDA2.1).xml"), xml(size, i));
            }
            Path guide = work.resolve("Guide Examples");
            write(guide.resolve("readme.md"), "## Guide Examples\n");
            for (int i = 0; i < 238; i++) {
                String name = "Template " + i + " (V" + (1 + i % 4) + ")_2.16.840.1.113883.10.20.22.4." + (1000 + i);
                Path dir = guide.resolve(name);
                write(dir.resolve("README.md"), "## SDWG Supported Sample from Implementation Guide\n\nInitial load.\n\n"
                        + "### Keywords:\n\nTemplate " + i + "\n \n2.16.840.1.113883.10.20.22.4." + (1000 + i) + "\n");
                int files = i % 10 == 0 ? 2 : 1;
                for (int f = 0; f < files; f++) {
                    int size = 300 + random.nextInt(i % 20 == 0 ? 7000 : 1200);
                    bytes += size;
                    write(dir.resolve("Template " + i + " Example " + f + ".xml"), xml(size, i));
                }
            }
            git.add().addFilepattern(".").call();
            git.commit().setMessage("corpus").setAuthor("Bench", "bench@example.org").setCommitter("Bench", "bench@example.org").call();
            git.push().setRemote("origin").add("master").call();
            System.out.println("repository " + bare + ": 397 examples, " + bytes / 1024 + " KB of XML");
        }
    }

    static int curatedSize(Random r) {
        double p = r.nextDouble();
        if (p < 0.03) {
            return 100_000 + r.nextInt(150_000);
        }
        if (p < 0.12) {
            return 8_000 + r.nextInt(50_000);
        }
        return 500 + r.nextInt(9_000);
    }

    static String xml(int size, int i) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<section xmlns=\"urn:hl7-org:v3\">\n");
        while (sb.length() < size) {
            sb.append("  <entry><observation classCode=\"OBS\" moodCode=\"EVN\"><id root=\"").append(i).append("\"/></observation></entry>\n");
        }
        return sb.append("</section>\n").toString();
    }

    static void write(Path p, String s) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, s, StandardCharsets.UTF_8);
    }
}
