package health.caravan.transformations.fhir;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Composition.CompositionAttestationMode;
import org.hl7.fhir.r4.model.Composition.DocumentConfidentiality;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;

/**
 * C-CDA (any document type: CCD, Referral Note, Discharge Summary, ...) → FHIR R4 <b>document</b> Bundle, following
 * the HL7 C-CDA on FHIR v2.0.0 maps.
 *
 * <p>The Bundle: {@code type=document}, identifier ← ClinicalDocument/id, timestamp ← effectiveTime; entry 0 is the
 * Composition, then Patient, the header's Practitioners/Organizations/Devices and the section resources, each with
 * {@code fullUrl urn:uuid:<id>}. Ids are name-based UUIDs of (document id, resource type, entry id or position), so the
 * same input always gives byte-identical JSON. The Composition is {@code final} (a C-CDA document exchanged between
 * systems is a finished document; the legacy cda2fhir-service said {@code preliminary}).
 *
 * <p>Thread-safe and cheap to share: holds no per-conversion state.
 */
public final class CcdaToFhirConverter {

    private static final Set<String> CONFIDENTIALITY = Set.of("U", "L", "M", "N", "R", "V");
    private static final String LANGUAGE = "[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*";

    private final ParticipantMapper participants = new ParticipantMapper();
    private final PatientMapper patients = new PatientMapper(participants);
    private final CompositionSectionBuilder sections = new CompositionSectionBuilder(participants);

    /** @param r4Context an R4 context (kept for callers' symmetry; {@code FhirContext.forR4Cached()} is fine) */
    public CcdaToFhirConverter(FhirContext r4Context) {
        Objects.requireNonNull(r4Context, "r4Context");
        if (r4Context.getVersion().getVersion() != FhirVersionEnum.R4) {
            throw new IllegalArgumentException("An R4 FhirContext is required");
        }
    }

    /**
     * Converts one C-CDA document.
     *
     * @throws CcdaConversionException when the input is not well-formed XML, not an HL7 v3 ClinicalDocument, or has
     *                                 no recordTarget/patientRole
     */
    public Bundle convert(byte[] ccdaXml) {
        Document doc = SecureXmlReader.parse(ccdaXml);
        Element root = doc.getDocumentElement();
        if (root == null || !"ClinicalDocument".equals(root.getLocalName())) {
            throw new CcdaConversionException("The XML root element is not a ClinicalDocument");
        }
        if (!CdaXml.V3.equals(root.getNamespaceURI())) {
            throw new CcdaConversionException("The ClinicalDocument is not in the HL7 v3 namespace (urn:hl7-org:v3)");
        }
        Element patientRole = CdaXml.path(root, "recordTarget", "patientRole");
        if (patientRole == null) {
            throw new CcdaConversionException("The ClinicalDocument has no recordTarget/patientRole (no patient)");
        }
        Element documentId = CdaXml.child(root, "id");
        String documentKey = CdaDataTypes.key(documentId);
        if (documentKey == null) {
            documentKey = "content:" + UUID.nameUUIDFromBytes(ccdaXml);
        }
        ConversionContext ctx = new ConversionContext(documentKey);
        ctx.documentTime(Hl7Timestamps.dateTime(CdaXml.child(root, "effectiveTime")));
        Composition composition = new Composition();
        Reference compositionRef = ctx.add(composition, "composition", root);
        patients.map(patientRole, ctx);
        header(root, composition, ctx);
        Element body = CdaXml.path(root, "component", "structuredBody");
        for (Element component : CdaXml.children(body, "component")) {
            Element section = CdaXml.child(component, "section");
            if (section != null) {
                composition.addSection(sections.build(section, ctx));
            }
        }
        return bundle(root, composition, compositionRef, ctx);
    }

    private void header(Element root, Composition c, ConversionContext ctx) {
        Identifier id = CdaDataTypes.identifier(CdaXml.child(root, "id"));
        if (id != null) {
            c.setIdentifier(id);
        }
        c.setStatus(Composition.CompositionStatus.FINAL);
        CodeableConcept type = CdaDataTypes.requiredConcept(CdaXml.child(root, "code"));
        c.setType(type);
        c.setSubject(ctx.patient());
        DateTimeType date = Hl7Timestamps.dateTime(CdaXml.child(root, "effectiveTime"));
        if (date == null) {
            date = new DateTimeType();
            date.addExtension(CdaDataTypes.dataAbsentReason(null));
        }
        c.setDateElement(date);
        for (Element author : CdaXml.children(root, "author")) {
            Element assigned = CdaXml.child(author, "assignedAuthor");
            Reference who = participants.person(assigned, ctx);
            Reference org = participants.organization(CdaXml.child(assigned, "representedOrganization"), ctx);
            if (who != null) {
                c.addAuthor(who);
                participants.affiliate(who, org, ctx);
            } else if (org != null) {
                c.addAuthor(org);
            }
        }
        Reference custodian = participants.organization(CdaXml.path(root, "custodian", "assignedCustodian",
                "representedCustodianOrganization"), ctx);
        if (custodian != null) {
            c.setCustodian(custodian);
        }
        if (!c.hasAuthor()) {
            // Composition.author is 1..*: fall back to the custodian, else a display-only reference.
            c.addAuthor(custodian != null ? custodian.copy() : new Reference().setDisplay("Author not stated"));
        }
        c.setTitle(title(root, type));
        String confidentiality = CdaXml.attr(CdaXml.child(root, "confidentialityCode"), "code");
        if (confidentiality != null && CONFIDENTIALITY.contains(confidentiality)) {
            c.setConfidentiality(DocumentConfidentiality.fromCode(confidentiality));
        }
        String language = CdaXml.attr(CdaXml.child(root, "languageCode"), "code");
        if (language != null && language.matches(LANGUAGE)) {
            c.setLanguage(language);
        }
        attester(c, CdaXml.child(root, "legalAuthenticator"), CompositionAttestationMode.LEGAL, ctx);
        for (Element authenticator : CdaXml.children(root, "authenticator")) {
            attester(c, authenticator, CompositionAttestationMode.PROFESSIONAL, ctx);
        }
        for (Element documentationOf : CdaXml.children(root, "documentationOf")) {
            Element serviceEvent = CdaXml.child(documentationOf, "serviceEvent");
            Period period = Hl7Timestamps.period(CdaXml.child(serviceEvent, "effectiveTime"));
            CodeableConcept code = CdaDataTypes.concept(CdaXml.child(serviceEvent, "code"));
            if (period != null || code != null) {
                Composition.CompositionEventComponent event = c.addEvent();
                if (code != null) {
                    event.addCode(code);
                }
                if (period != null) {
                    event.setPeriod(period);
                }
            }
        }
    }

    private void attester(Composition c, Element authenticator, CompositionAttestationMode mode, ConversionContext ctx) {
        if (authenticator == null) {
            return;
        }
        Composition.CompositionAttesterComponent attester = new Composition.CompositionAttesterComponent();
        attester.setMode(mode);
        DateTimeType time = Hl7Timestamps.dateTime(CdaXml.child(authenticator, "time"));
        if (time != null) {
            attester.setTimeElement(time);
        }
        Reference party = participants.person(CdaXml.child(authenticator, "assignedEntity"), ctx);
        if (party != null) {
            attester.setParty(party);
        }
        c.addAttester(attester);
    }

    private static String title(Element root, CodeableConcept type) {
        String title = CdaXml.text(CdaXml.child(root, "title"));
        if (title != null) {
            return title;
        }
        for (Coding coding : type.getCoding()) {
            if (coding.hasDisplay()) {
                return coding.getDisplay();
            }
        }
        return type.hasText() ? type.getText() : "Clinical document";
    }

    private static Bundle bundle(Element root, Composition composition, Reference compositionRef, ConversionContext ctx) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.DOCUMENT);
        bundle.setId(DeterministicIds.uuid(ctx.documentKey(), "Bundle", "document"));
        Identifier id = composition.hasIdentifier() ? composition.getIdentifier().copy() : null;
        if (id == null || id.getSystem() == null || id.getValue() == null) {
            // bdl-9: a document Bundle needs identifier.system and .value (a root that is no OID gives no system)
            id = new Identifier().setSystem("urn:ietf:rfc:3986").setValue(compositionRef.getReference());
        }
        bundle.setIdentifier(id);
        InstantType timestamp = Hl7Timestamps.instant(CdaXml.child(root, "effectiveTime"));
        if (timestamp == null) {
            timestamp = new InstantType();
            timestamp.addExtension(CdaDataTypes.dataAbsentReason(null));
        }
        bundle.setTimestampElement(timestamp);
        for (Resource r : ctx.resources()) {
            bundle.addEntry().setFullUrl("urn:uuid:" + r.getIdElement().getIdPart()).setResource(r);
        }
        return bundle;
    }
}
