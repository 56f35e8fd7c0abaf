package health.caravan.transformations.fhir;

import org.w3c.dom.Element;

/**
 * The C-CDA sections this converter maps to resources, recognised by templateId root with entries optional
 * (e.g. {@code 2.16.840.1.113883.10.20.22.2.6}) or required ({@code ...2.6.1}); both are accepted. Any other section
 * is {@link #NARRATIVE_ONLY}: it still becomes a Composition section with its narrative.
 */
enum SectionKind {

    ALLERGIES("2.16.840.1.113883.10.20.22.2.6", "48765-2", "Allergies and adverse reactions Document", "Allergies"),
    MEDICATIONS("2.16.840.1.113883.10.20.22.2.1", "10160-0", "History of Medication use Narrative", "Medications"),
    PROBLEMS("2.16.840.1.113883.10.20.22.2.5", "11450-4", "Problem list - Reported", "Problems"),
    PROCEDURES("2.16.840.1.113883.10.20.22.2.7", "47519-4", "History of Procedures Document", "Procedures"),
    RESULTS("2.16.840.1.113883.10.20.22.2.3", "30954-2", "Relevant diagnostic tests/laboratory data Narrative", "Results"),
    VITAL_SIGNS("2.16.840.1.113883.10.20.22.2.4", "8716-3", "Vital signs", "Vital Signs"),
    IMMUNIZATIONS("2.16.840.1.113883.10.20.22.2.2", "11369-6", "History of Immunization Narrative", "Immunizations"),
    ENCOUNTERS("2.16.840.1.113883.10.20.22.2.22", "46240-8", "History of Hospitalizations+Outpatient visits Narrative",
            "Encounters"),
    SOCIAL_HISTORY("2.16.840.1.113883.10.20.22.2.17", "29762-2", "Social history Narrative", "Social History"),
    NARRATIVE_ONLY(null, null, null, "Section");

    final String templateRoot;
    final String loinc;
    final String loincDisplay;
    final String title;

    SectionKind(String templateRoot, String loinc, String loincDisplay, String title) {
        this.templateRoot = templateRoot;
        this.loinc = loinc;
        this.loincDisplay = loincDisplay;
        this.title = title;
    }

    private boolean matches(String root) {
        return templateRoot != null && (root.equals(templateRoot) || root.equals(templateRoot + ".1"));
    }

    static SectionKind of(Element section) {
        for (String root : CdaXml.templateRoots(section)) {
            for (SectionKind kind : values()) {
                if (kind.matches(root)) {
                    return kind;
                }
            }
        }
        return NARRATIVE_ONLY;
    }
}
