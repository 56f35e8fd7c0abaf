package health.caravan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import health.caravan.support.ExampleRepo;

/** Every README variant of ../shared/reference/ccda-examples.md §3. */
class ReadmeParserTest {

    @Test
    void curatedReadme() {
        ExampleMetadata m = ReadmeParser.parse(ExampleRepo.curated("Approved",
                "* Allergy Concern Act 2.16.840.1.113883.10.20.22.4.30:2015-08-01\n* 2.16.840.1.113883.10.20.22.4.119",
                "* First comment with [a link](https://x.org).\n* Second.", "egg, food allergy", ExampleRepo.link(ExampleRepo.EGG_ID))
                + "\n### Certification\n\n* ONC\n");
        assertEquals("Approved", m.approvalStatus());
        assertEquals("approved", m.approvalKey());
        assertEquals(List.of("Example Task Force", "SDWG", "SDWG C-CDA R2.1 Upgrade"), m.approvals().stream().map(ExampleMetadata.Approval::label).toList());
        assertTrue(m.approvals().get(0).validDate());
        assertEquals(new ExampleMetadata.Template("Allergy Concern Act", "2.16.840.1.113883.10.20.22.4.30", "2015-08-01"), m.templates().get(0));
        assertEquals(new ExampleMetadata.Template("", "2.16.840.1.113883.10.20.22.4.119", null), m.templates().get(1));
        assertEquals("Allergies in empty CCD", m.fullSample());
        assertEquals("https://site.healthit.gov/sandbox-ccda/ccda-validator", m.validationUrl());
        assertEquals(2, m.comments().size());
        assertEquals("ONC", m.certification());
        assertEquals("Jane Curator jane@example.org (GitHub: jcurator)", m.custodian());
        assertEquals(List.of("egg", "food allergy"), m.keywords());
        assertEquals(ExampleRepo.EGG_ID, m.permalinkId());
        assertEquals(List.of(), m.warnings());
    }

    @Test
    void guideExampleTemplate() {
        ExampleMetadata m = ReadmeParser.parse(ExampleRepo.GUIDE);
        assertTrue(m.guideExample());
        assertNull(m.approvalStatus());
        assertEquals("not-reviewed", m.approvalKey());
        assertEquals(List.of("Allergy Concern Act (V3)", "2.16.840.1.113883.10.20.22.4.30"), m.keywords());
        assertNull(m.permalinkId());
        assertEquals(List.of(), m.warnings());
    }

    @Test
    void headingsWithoutSpaceAndEmptyPermalink() {
        ExampleMetadata m = ReadmeParser.parse("##Approval Status\n* Approval Status: Approved\n###Comments\n* SSN masked.\n"
                + "###Keywords\n* SSN, masking\n###Permalink \n\n* \n");
        assertEquals("Approved", m.approvalStatus());
        assertEquals(List.of("SSN masked."), m.comments());
        assertEquals(List.of("SSN", "masking"), m.keywords());
        assertTrue(m.permalinkHeading());
        assertNull(m.permalinkId());
        assertEquals(List.of(), m.warnings());
    }

    @Test
    void proseApprovalAndParagraphComments() {
        ExampleMetadata m = ReadmeParser.parse("## Approval Status\n\nApproved in prose by the task force.\n\n## Template Examples\n\n"
                + "* 2.16.840.1.113883.10.20.24.3.1\n\n## Comments\n\nA paragraph comment.\n");
        assertEquals("Approved in prose by the task force.", m.approvalStatus());
        assertEquals("2.16.840.1.113883.10.20.24.3.1", m.templates().get(0).oid());
        assertEquals(List.of("A paragraph comment."), m.comments());
    }

    @Test
    void fieldEmbeddedInAnotherAndStrayAsterisks() {
        ExampleMetadata m = ReadmeParser.parse("## Approval Status\n* Approval Status: Approved\n## Validation location:\n* TBD\n"
                + "* Reference to full CDA sample: TBD\n");
        assertEquals("TBD", m.validation());
        assertEquals("TBD", m.fullSample());
        ExampleMetadata va = ReadmeParser.parse("## Approval Status - Not supported by HL7\n\n* Community submitted.\n\n"
                + "### Validation location\n\n* N/A* \n");
        assertEquals("Not supported by HL7", va.approvalStatus());
        assertEquals("unsupported", va.approvalKey());
        assertEquals("N/A", va.validation());
    }

    @Test
    void malformedReadmeGivesWarningsNotErrors() {
        ExampleMetadata m = ReadmeParser.parse("Just text.\n");
        assertFalse(m.warnings().isEmpty());
        ExampleMetadata noStatus = ReadmeParser.parse("## Approval Status\n\n### Comments\n* x\n### Mystery\n* y\n");
        assertTrue(noStatus.warnings().stream().anyMatch(w -> w.contains("Approval Status")), noStatus.warnings().toString());
        assertTrue(noStatus.warnings().stream().anyMatch(w -> w.contains("Mystery")));
        assertTrue(ReadmeParser.parse(null).warnings().size() == 1);
    }

    @Test
    void permalinkFormats() {
        assertEquals(ExampleRepo.EGG_ID, PermalinkIds.fromReadmeValue("[http://cdasearch.hl7.org/examples/view/" + ExampleRepo.EGG_ID + "](x)"));
        assertEquals(ExampleRepo.OBJECT_ID, PermalinkIds.fromReadmeValue(ExampleRepo.OBJECT_ID));
        assertEquals(ExampleRepo.CARE_PLAN_ID, PermalinkIds.fromReadmeValue("http://cdasearch.hl7.org/examples/view/" + ExampleRepo.CARE_PLAN_ID));
        assertEquals(ExampleRepo.CAT_ID, PermalinkIds.fromReadmeValue("[http://cdasearch.hl7.org/examples/view/*" + ExampleRepo.CAT_ID + "](y)"));
        assertNull(PermalinkIds.fromReadmeValue("TBD"));
        assertTrue(PermalinkIds.isPlaceholder("???"));
        assertTrue(PermalinkIds.isPlaceholder("*"));
    }

    @Test
    void permalinkWrittenInCanonicalFormWithoutDuplicatingHeadings() {
        String base = "http://cdasearch.hl7.org/examples/view/";
        String placeholder = "## Approval Status\n* Approval Status: Approved\n### Permalink\n\n* TBD\n\n### Links\n* [a.xml](x)\n";
        String written = PermalinkIds.withPermalink(placeholder, "11111111-2222-3333-4444-555555555555", base);
        assertEquals("## Approval Status\n* Approval Status: Approved\n### Permalink\n\n* [" + base
                + "11111111-2222-3333-4444-555555555555](" + base + "11111111-2222-3333-4444-555555555555)\n\n### Links\n* [a.xml](x)\n", written);
        String none = PermalinkIds.withPermalink("## Approval Status\n* Approval Status: Approved\n\n\n", "abc", base);
        assertEquals("## Approval Status\n* Approval Status: Approved\n\n### Permalink\n\n* [" + base + "abc](" + base + "abc)\n", none);
        assertEquals("11111111-2222-3333-4444-555555555555", ReadmeParser.parse(written).permalinkId());
    }

    @Test
    void credentialsNeverShown() {
        assertEquals("https://***@github.com/HL7/C-CDA-Examples.git",
                RepoUrls.redact("https://bot:ghp_secret123@github.com/HL7/C-CDA-Examples.git"));
        assertEquals("failed: *** rejected", RepoUrls.redact("failed: ghp_secret123 rejected", "ghp_secret123"));
    }

    @Test
    void xmlHighlightingEscapes() {
        String html = XmlHighlighter.toHtml("<a x=\"1&amp;\"><!-- c --><script>alert(1)</script></a>");
        assertFalse(html.contains("<script>"));
        assertTrue(html.contains("<span class=\"x-c\">&lt;!-- c --&gt;</span>"), html);
        assertTrue(html.contains("<span class=\"x-v\">&quot;1&amp;amp;&quot;</span>"), html);
    }

    @Test
    void readmeHtmlIsSanitised() {
        String html = ReadmeRenderer.toHtml("### Comments\n* <script>alert(1)</script>\n* [x](javascript:alert%281%29) [ok](https://x.org)");
        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("href=\"javascript"), html);
        assertTrue(html.contains("href=\"https://x.org\""), html);
    }
}
