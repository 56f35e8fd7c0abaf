package health.caravan.transformations.fhir;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition.SectionComponent;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Reference;
import org.w3c.dom.Element;

/**
 * One C-CDA section → one Composition.section: title (else the code's display, else the kind's name), code (else the
 * kind's LOINC), the narrative as XHTML, references to the resources its {@link SectionMapper} produced, and nested
 * sections. A section with neither entries nor narrative gets emptyReason plus a one-line text (cmp-1 requires text,
 * entries or sub-sections). Unknown sections are never an error.
 */
final class CompositionSectionBuilder {

    private static final String EMPTY_REASON = "http://terminology.hl7.org/CodeSystem/list-empty-reason";

    private final Map<SectionKind, SectionMapper> mappers = new EnumMap<>(SectionKind.class);

    CompositionSectionBuilder(ParticipantMapper participants) {
        mappers.put(SectionKind.ALLERGIES, new AllergySectionMapper());
        mappers.put(SectionKind.MEDICATIONS, new MedicationSectionMapper());
        mappers.put(SectionKind.PROBLEMS, new ProblemSectionMapper());
        mappers.put(SectionKind.PROCEDURES, new ProcedureSectionMapper());
        mappers.put(SectionKind.RESULTS, new ResultSectionMapper());
        mappers.put(SectionKind.VITAL_SIGNS, new VitalSignSectionMapper());
        mappers.put(SectionKind.IMMUNIZATIONS, new ImmunizationSectionMapper(participants));
        mappers.put(SectionKind.ENCOUNTERS, new EncounterSectionMapper());
        mappers.put(SectionKind.SOCIAL_HISTORY, new SocialHistorySectionMapper());
    }

    SectionComponent build(Element section, ConversionContext ctx) {
        SectionKind kind = SectionKind.of(section);
        SectionComponent sc = new SectionComponent();
        CodeableConcept code = CdaDataTypes.concept(CdaXml.child(section, "code"));
        if (code == null && kind.loinc != null) {
            code = CdaDataTypes.fixedConcept(CodeSystemUris.LOINC, kind.loinc, kind.loincDisplay);
        }
        sc.setTitle(title(section, code, kind));
        if (code != null) {
            sc.setCode(code);
        }
        Narrative narrative = NarrativeConverter.convert(CdaXml.child(section, "text"));
        if (narrative != null) {
            sc.setText(narrative);
        }
        SectionMapper mapper = mappers.get(kind);
        if (mapper != null && !CdaXml.hasNullFlavor(section)) {
            List<Reference> refs = mapper.map(section, ctx);
            for (Reference r : refs) {
                sc.addEntry(r);
            }
        }
        for (Element component : CdaXml.children(section, "component")) {
            Element sub = CdaXml.child(component, "section");
            if (sub != null) {
                sc.addSection(build(sub, ctx));
            }
        }
        if (!sc.hasEntry() && !sc.hasText()) {
            String nullFlavor = CdaXml.attr(section, "nullFlavor");
            sc.setEmptyReason(new CodeableConcept(new Coding(EMPTY_REASON, "unavailable", "Unavailable")));
            if ("NI".equals(nullFlavor) || "UNK".equals(nullFlavor)) {
                sc.setEmptyReason(new CodeableConcept(new Coding(EMPTY_REASON, "nilknown", "Nil Known")));
            }
            if (!sc.hasSection()) {
                sc.setText(NarrativeConverter.plain("No information available for this section."));
            }
        }
        return sc;
    }

    private static String title(Element section, CodeableConcept code, SectionKind kind) {
        String title = CdaXml.text(CdaXml.child(section, "title"));
        if (title != null) {
            return title;
        }
        if (code != null) {
            for (Coding c : code.getCoding()) {
                if (c.hasDisplay()) {
                    return c.getDisplay();
                }
            }
            if (code.hasText()) {
                return code.getText();
            }
        }
        return kind.title;
    }
}
