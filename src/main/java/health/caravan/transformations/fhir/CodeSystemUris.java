package health.caravan.transformations.fhir;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * OID → FHIR URI for code systems and identifier systems (HL7 terminology / C-CDA on FHIR conventions). Unknown OIDs
 * become {@code urn:oid:<oid>}, UUID roots {@code urn:uuid:<uuid>}. A root or codeSystem that is none of these (a
 * vendor's name such as {@code ClinicalDocumentGUID}, {@code MMD}, {@code VITD<guid>}, an OID with a leading zero)
 * gives null: the caller leaves the system out and keeps the raw value in an originalText extension, since FHIR
 * requires {@code urn:oid:} values to match {@code [0-2](\.(0|[1-9][0-9]*))+}. A few code system <em>names</em> that
 * vendors write instead of the OID ({@code ICD9}, {@code CPT}, {@code MVX}, ...) map to their URIs.
 */
final class CodeSystemUris {

    static final String LOINC = "http://loinc.org";
    static final String SNOMED = "http://snomed.info/sct";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");
    private static final Pattern URI = Pattern.compile("(https?://|urn:)[^\\s]+");
    private static final String THO = "http://terminology.hl7.org/CodeSystem/";
    private static final String CPT = "http://www.ama-assn.org/go/cpt";

    /** Code system names used instead of an OID, upper-cased without punctuation or spaces. */
    private static final Map<String, String> CODE_SYSTEM_NAMES = Map.ofEntries(
            Map.entry("LOINC", LOINC),
            Map.entry("LN", LOINC),
            Map.entry("SNOMED", SNOMED),
            Map.entry("SNOMEDCT", SNOMED),
            Map.entry("SCT", SNOMED),
            Map.entry("RXNORM", "http://www.nlm.nih.gov/research/umls/rxnorm"),
            Map.entry("CVX", "http://hl7.org/fhir/sid/cvx"),
            Map.entry("MVX", "http://hl7.org/fhir/sid/mvx"),
            Map.entry("NDC", "http://hl7.org/fhir/sid/ndc"),
            Map.entry("CPT", CPT),
            Map.entry("CPT4", CPT),
            Map.entry("ICD9", "http://hl7.org/fhir/sid/icd-9-cm"),
            Map.entry("ICD9CM", "http://hl7.org/fhir/sid/icd-9-cm"),
            Map.entry("ICD10", "http://hl7.org/fhir/sid/icd-10-cm"),
            Map.entry("ICD10CM", "http://hl7.org/fhir/sid/icd-10-cm"),
            Map.entry("UCUM", UCUM));

    private static final Map<String, String> CODE_SYSTEMS = Map.ofEntries(
            Map.entry("2.16.840.1.113883.6.1", LOINC),
            Map.entry("2.16.840.1.113883.6.96", SNOMED),
            Map.entry("2.16.840.1.113883.6.88", "http://www.nlm.nih.gov/research/umls/rxnorm"),
            Map.entry("2.16.840.1.113883.12.292", "http://hl7.org/fhir/sid/cvx"),
            Map.entry("2.16.840.1.113883.6.8", UCUM),
            Map.entry("2.16.840.1.113883.6.90", "http://hl7.org/fhir/sid/icd-10-cm"),
            Map.entry("2.16.840.1.113883.6.3", "http://hl7.org/fhir/sid/icd-10"),
            Map.entry("2.16.840.1.113883.6.103", "http://hl7.org/fhir/sid/icd-9-cm"),
            Map.entry("2.16.840.1.113883.6.104", "http://hl7.org/fhir/sid/icd-9-cm"),
            Map.entry("2.16.840.1.113883.6.69", "http://hl7.org/fhir/sid/ndc"),
            Map.entry("2.16.840.1.113883.6.12", CPT),
            Map.entry("2.16.840.1.113883.12.227", "http://hl7.org/fhir/sid/mvx"),
            Map.entry("2.16.840.1.113883.6.285", "urn:oid:2.16.840.1.113883.6.285"),
            Map.entry("2.16.840.1.113883.3.26.1.1", "http://ncimeta.nci.nih.gov"),
            Map.entry("2.16.840.1.113883.4.9", "http://fdasis.nlm.nih.gov"),
            Map.entry("2.16.840.1.113883.6.101", "http://nucc.org/provider-taxonomy"),
            Map.entry("2.16.840.1.113883.6.121", "urn:ietf:bcp:47"),
            Map.entry("2.16.840.1.113883.6.238", "urn:oid:2.16.840.1.113883.6.238"),
            Map.entry("2.16.840.1.113883.5.1", THO + "v3-AdministrativeGender"),
            Map.entry("2.16.840.1.113883.5.2", THO + "v3-MaritalStatus"),
            Map.entry("2.16.840.1.113883.5.4", THO + "v3-ActCode"),
            Map.entry("2.16.840.1.113883.5.6", THO + "v3-ActClass"),
            Map.entry("2.16.840.1.113883.5.7", THO + "v3-ActPriority"),
            Map.entry("2.16.840.1.113883.5.8", THO + "v3-ActReason"),
            Map.entry("2.16.840.1.113883.5.14", THO + "v3-ActStatus"),
            Map.entry("2.16.840.1.113883.5.25", THO + "v3-Confidentiality"),
            Map.entry("2.16.840.1.113883.5.60", THO + "v3-LanguageAbilityMode"),
            Map.entry("2.16.840.1.113883.5.83", THO + "v3-ObservationInterpretation"),
            Map.entry("2.16.840.1.113883.5.111", THO + "v3-RoleCode"),
            Map.entry("2.16.840.1.113883.5.112", THO + "v3-RouteOfAdministration"),
            Map.entry("2.16.840.1.113883.5.1008", THO + "v3-NullFlavor"),
            Map.entry("2.16.840.1.113883.5.1063", THO + "v3-ObservationValue"),
            Map.entry("2.16.840.1.113883.5.1076", THO + "v3-ReligiousAffiliation"),
            Map.entry("2.16.840.1.113883.5.110", THO + "v3-RoleClass"),
            Map.entry("2.16.840.1.113883.18.2", THO + "v2-0001"));

    private static final Map<String, String> IDENTIFIER_SYSTEMS = Map.of(
            "2.16.840.1.113883.4.6", "http://hl7.org/fhir/sid/us-npi",
            "2.16.840.1.113883.4.1", "http://hl7.org/fhir/sid/us-ssn",
            "2.16.840.1.113883.2.1.4.1", "https://fhir.nhs.uk/Id/nhs-number");

    private CodeSystemUris() {
    }

    /** Code system OID (or a known name) → URI; null when the value is no OID, UUID, URI or known name. */
    static String codeSystem(String oid) {
        if (oid == null) {
            return null;
        }
        String known = CODE_SYSTEMS.get(oid);
        if (known != null) {
            return known;
        }
        String generic = generic(oid);
        if (generic != null) {
            return generic;
        }
        return CODE_SYSTEM_NAMES.get(oid.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", ""));
    }

    /** Identifier root (with an extension) → Identifier.system; null when the root is no OID, UUID or URI. */
    static String identifierSystem(String root) {
        String known = IDENTIFIER_SYSTEMS.get(root);
        return known != null ? known : generic(root);
    }

    /**
     * A root that is an OID, UUID or URI → its URI ({@code urn:oid:}, {@code urn:uuid:}, as is); null otherwise (also
     * for a {@code urn:oid:} or {@code urn:uuid:} that is not valid).
     */
    static String generic(String root) {
        if (root == null) {
            return null;
        }
        String r = root.trim();
        if (UUID.matcher(r).matches()) {
            return "urn:uuid:" + r.toLowerCase(java.util.Locale.ROOT);
        }
        if (OID.matcher(r).matches()) {
            return "urn:oid:" + r;
        }
        String lower = r.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("urn:oid:")) {
            return OID.matcher(r.substring(8)).matches() ? r : null;
        }
        if (lower.startsWith("urn:uuid:")) {
            return UUID.matcher(r.substring(9)).matches() ? "urn:uuid:" + r.substring(9).toLowerCase(java.util.Locale.ROOT) : null;
        }
        return URI.matcher(r).matches() ? r : null;
    }

    static boolean isOid(String s) {
        return s != null && OID.matcher(s).matches();
    }
}
