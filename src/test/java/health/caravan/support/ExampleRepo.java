package health.caravan.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A synthetic C-CDA examples repository for tests: a bare "remote" plus an author's clone that writes,
 * renames and deletes examples and pushes, as curators do on GitHub.
 */
public final class ExampleRepo implements AutoCloseable {

    public static final String EGG_ID = "9731b470c5291fabfafb97268bdc0820f0058bc9";
    public static final String DUPLICATE_ID = "7ef3b374ae0df4e24e1645a94ac1c9ebc79273bb";
    public static final String CAT_ID = "ad811b07c9ad5d96f5d2ce8b5bd7c0e2cbd7a6cf";
    public static final String CARE_PLAN_ID = "d0a295b5-3c8c-4bd2-9c2a-111111111111";
    public static final String OBJECT_ID = "5a1b2c3d4e5f60718293a4b5";

    public final Path root;
    public final Path bare;
    public final Path author;
    private final Git git;

    public ExampleRepo(Path root) throws Exception {
        this.root = root;
        this.bare = root.resolve("origin.git");
        this.author = root.resolve("author");
        Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("master").call().close();
        this.git = Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(author.toFile()).call();
    }

    public String url() {
        return bare.toString();
    }

    /** Test Caravan settings syncing this repository into a working copy under {@code root}, no polling. */
    public java.util.Map<String, String> caravanSettings() throws IOException {
        java.util.Map<String, String> o = TestCaravan.defaults();
        o.put("caravan.examples.repo-url", url());
        o.put("caravan.examples.dir", root.resolve("working-copy").toString());
        o.put("caravan.examples.poll", "0");
        o.put("caravan.examples.webhook-secret", "example-repo-webhook-secret");
        return o;
    }

    public ExampleRepo write(String path, String text) throws IOException {
        return write(path, text.getBytes(StandardCharsets.UTF_8));
    }

    public ExampleRepo write(String path, byte[] bytes) throws IOException {
        Path p = author.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        return this;
    }

    public String read(String path) throws IOException {
        return Files.readString(author.resolve(path));
    }

    public ExampleRepo move(String from, String to) throws IOException {
        Path target = author.resolve(to);
        Files.createDirectories(target.getParent());
        Files.move(author.resolve(from), target);
        return this;
    }

    public ExampleRepo delete(String path) throws IOException {
        try (Stream<Path> s = Files.walk(author.resolve(path))) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        return this;
    }

    /** Commits everything in the author's clone and pushes it to the remote's {@code branch}. */
    public RevCommit commitAndPush(String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        RevCommit c = git.commit().setMessage(message).setAuthor("Curator", "curator@example.org")
                .setCommitter("Curator", "curator@example.org").call();
        for (org.eclipse.jgit.transport.PushResult r : git.push().setRemote("origin").add("master").call()) {
            for (org.eclipse.jgit.transport.RemoteRefUpdate u : r.getRemoteUpdates()) {
                if (u.getStatus() != org.eclipse.jgit.transport.RemoteRefUpdate.Status.OK) {
                    throw new IllegalStateException("push of " + u.getRemoteName() + " failed: " + u.getStatus());
                }
            }
        }
        return c;
    }

    /** Brings the author's clone up to date with the remote (after Caravan pushed). */
    public void pull() throws Exception {
        if (!git.pull().setRemote("origin").setRemoteBranchName("master").call().isSuccessful()) {
            throw new IllegalStateException("pull failed");
        }
    }

    public ObjectId remoteHead() throws IOException {
        try (org.eclipse.jgit.lib.Repository r = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                .setGitDir(bare.toFile()).build()) {
            return r.resolve("refs/heads/master");
        }
    }

    public String remoteHeadMessage() throws IOException {
        try (org.eclipse.jgit.lib.Repository r = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                .setGitDir(bare.toFile()).build();
             org.eclipse.jgit.revwalk.RevWalk w = new org.eclipse.jgit.revwalk.RevWalk(r)) {
            return w.parseCommit(r.resolve("refs/heads/master")).getFullMessage();
        }
    }

    @Override
    public void close() {
        git.close();
    }

    // ---- README variants from ../shared/reference/ccda-examples.md ----

    public static String curated(String status, String templates, String comments, String keywords, String permalink) {
        return "## Approval Status \n\n* Approval Status: " + status + "\n* Example Task Force: 2/27/2015\n* SDWG: 3/6/2015\n\n"
                + "* SDWG C-CDA R2.1 Upgrade: 12/1/2016    \n\n### C-CDA 2.1 Example:\n\n\n" + templates + "\n"
                + "### Reference to full CDA sample:\n* Allergies in empty CCD\n\n"
                + "### Validation location\n\n* [SITE](https://site.healthit.gov/sandbox-ccda/ccda-validator)\n\n"
                + "### Comments\n\n" + comments + "\n\n### Custodian\n\n* Jane Curator jane@example.org (GitHub: jcurator)\n\n"
                + "### Keywords\n\n* " + keywords + "\n"
                + (permalink == null ? "" : "\n### Permalink\n\n" + permalink + "\n");
    }

    public static String link(String id) {
        String url = "http://cdasearch.hl7.org/examples/view/" + id;
        return "* [" + url + "](" + url + ")";
    }

    public static final String GUIDE = "## SDWG Supported Sample from Implementation Guide\n\n"
            + "The initial load of this repository in January 2021 includes all examples (figures) from the June 2019 "
            + "Errata published PDF of C-CDA 2.1 and 2019 release of C-CDA Companion Guide. \n\n"
            + "These examples were reviewed through the HL7 ballot process. They have not been formally reviewed/approved "
            + "by the examples task force.\n\n### Keywords:\n\nAllergy Concern Act (V3)\n \n2.16.840.1.113883.10.20.22.4.30\n";

    /** Builds the corpus: one example of each README variant and odd file type. */
    public ExampleRepo seed() throws Exception {
        write("README.md", "# C-CDA Examples\n\nCC0.\n");
        write("Allergies/Readme.md", "## Allergies and Intolerances Section Examples from C-CDA\n");
        write("Allergies/Allergy to food egg/README.md", curated("Approved",
                "* Allergy Concern Act 2.16.840.1.113883.10.20.22.4.30:2015-08-01\n* 2.16.840.1.113883.10.20.22.4.7:2014-06-09",
                "* Egg allergy recorded with [a link](https://example.org/egg).", "egg, food allergy", link(EGG_ID))
                + "\n### Certification\n\n* ONC\n");
        write("Allergies/Allergy to food egg/Allergy to food egg(C-CDA2.1).xml",
                "<?xml version=\"1.0\"?>\n<!-- egg -->\n<section xmlns=\"urn:hl7-org:v3\"><templateId root=\"2.16.840.1.113883.10.20.22.2.6.1\"/>"
                        + "<title>Allergies &amp; intolerances</title></section>\n");
        write("Allergies/Withdrawn Allergy to cat hair/Readme.md", curated("Withdrawn (temporarily)",
                "* 2.16.840.1.113883.10.20.22.4.30:2015-08-01", "* Cat hair.", "cat",
                "* [http://cdasearch.hl7.org/examples/view/*" + CAT_ID + "](http://cdasearch.hl7.org/examples/view/*" + CAT_ID + ")"));
        write("Results/Readme.md", "## Results Section Examples\n\nLab results.\n");
        String same = curated("Approved", "* 2.16.840.1.113883.10.20.22.4.2:2015-08-01", "* Same README.", "result", link(DUPLICATE_ID));
        write("Results/Result A/README.md", same);
        write("Results/Result A/Result A.xml", "<observation/>\n");
        write("Results/Result B/README.md", same);
        write("Results/Result B/Result B.xml", "<observation/>\n");
        write("Results/Result with lab location/README.md", curated("Approved", "* 2.16.840.1.113883.10.20.22.4.2", "* PNG and PDF.",
                "lab location", "* TBD"));
        write("Results/Result with lab location/Lab location.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        write("Results/Result with lab location/Lab report (scan).pdf", "%PDF-1.4\n% caf\u00e9 \u00ff binary\n%%EOF\n");
        write("Documents/Care Plan/Readme.md", curated("Pending", "* 2.16.840.1.113883.10.20.22.1.15", "* Care plan document.",
                "care plan", link(CARE_PLAN_ID)));
        write("Documents/Care Plan/Care_Plan.xml", "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>\n");
        write("Documents/CCD/CCD 1/README.md", curated("Pending", "* 2.16.840.1.113883.10.20.22.1.2", "* A full CCD.", "ccd", null));
        write("Documents/CCD/CCD 1/CCD.XML", "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>\n");
        write("Guide Examples/readme.md", "## Guide Examples\n");
        write("Guide Examples/Allergy Concern Act (V3)_2.16.840.1.113883.10.20.22.4.30/README.md", GUIDE);
        write("Guide Examples/Allergy Concern Act (V3)_2.16.840.1.113883.10.20.22.4.30/Allergy Concern Act (V3) Example.xml", "<act/>\n");
        write("Header/Readme.md", "## Header Examples\n");
        write("Header/Masked Social Security Number/Readme.MD", "##Approval Status\n* Approval Status: Approved\n"
                + "###Comments\n* SSN masked.\n###Keywords\n* SSN, masking\n###Permalink \n\n* \n");
        write("Header/Masked Social Security Number/Masked SSN.xml", "<patient/>\n");
        write("General/Readme.md", "## General Examples\n");
        write("General/Google doc example/README.md", curated("Approved", "", "* Only a link to a document.", "google", link(OBJECT_ID)));
        write("General/Google doc example/Google doc.url", "[InternetShortcut]\nURL=https://docs.google.com/document/d/abc\n");
        write("Quality/Readme.md", "## Quality\n");
        write("Quality/Quality Care Compliance in C-CDA/README.md", "## Approval Status\n\nThis example was approved by the Quality "
                + "task force in prose, with no bullet.\n\n## Template Examples\n\n* 2.16.840.1.113883.10.20.24.3.1\n\n## Comments\n\n"
                + "A paragraph comment without a bullet.\n\n## Keywords\n\n* quality measure\n");
        write("Medications/Readme.md", "## Medications\n");
        write("Medications/Medication Refused/README.md", "## Approval Status\n* Approval Status: Approved\n"
                + "## Validation location:\n* TBD\n* Reference to full CDA sample: TBD\n## Comments\n* Refused med.\n## Keywords\n* refused\n");
        write("Medications/Medication Refused/Medication Refused.xml", "<substanceAdministration negationInd=\"true\"/>\n");
        write("Care Team/Readme.md", "## Care Team\n");
        write("Care Team/Care Team Rendering/README.md", curated("Approved", "* 2.16.840.1.113883.10.20.22.2.500", "* Rendering.", "care team",
                null));
        write("Care Team/Care Team Rendering/Care Team Rendering.html", "<html><body><script>alert('x')</script><b>Team</b></body></html>");
        write("Procedures/Readme.md", "## Procedures\n");
        write("Procedures/Broken readme/README.md", "Just some text, no headings and no bullets.\n");
        write("Procedures/Multiple CPT E&M Codes, (2020)/README.md", curated("Approved", "* 2.16.840.1.113883.10.20.22.4.14",
                "* Names with & , ( ).", "cpt", null));
        write("Procedures/Multiple CPT E&M Codes, (2020)/Multiple CPT E&M Codes (C-CDA R2.1).xml", "<procedure/>\n");
        write("Stylesheets - Community Submitted/Readme.md", "## Stylesheets\n");
        write("Stylesheets - Community Submitted/VA stylesheet/README.md", "## Approval Status - Not supported by HL7\n\n"
                + "* Community submitted.\n\n### Validation location\n\n* N/A* \n\n### Comments\n\n* A stylesheet.\n");
        write("Stylesheets - Community Submitted/VA stylesheet/stylesheet.zip", new byte[] {'P', 'K', 3, 4});
        commitAndPush("seed");
        return this;
    }
}
