package health.caravan.transformations.fhir;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * OID → FHIR URI for code systems and identifier systems (HL7 terminology / C-CDA on FHIR conventions). Unknown OIDs
 * become {@code urn:oid:<oid>}, UUID roots {@code urn:uuid:<uuid>}.
 */
final class CodeSystemUris {

    static final String LOINC = "http://loinc.org";
    static final String SNOMED = "http://snomed.info/sct";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final String THO = "http://terminology.hl7.org/CodeSystem/";

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
            Map.entry("2.16.840.1.113883.6.12", "http://www.ama-assn.org/go/cpt"),
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

    /** Code system OID → URI. */
    static String codeSystem(String oid) {
        if (oid == null) {
            return null;
        }
        String known = CODE_SYSTEMS.get(oid);
        return known != null ? known : generic(oid);
    }

    /** Identifier root (with an extension) → Identifier.system. */
    static String identifierSystem(String root) {
        String known = IDENTIFIER_SYSTEMS.get(root);
        return known != null ? known : generic(root);
    }

    /** A root that is the whole identifier (no extension) → its URI value (for system urn:ietf:rfc:3986). */
    static String generic(String root) {
        if (UUID.matcher(root).matches()) {
            return "urn:uuid:" + root.toLowerCase(java.util.Locale.ROOT);
        }
        if (root.startsWith("urn:") || root.startsWith("http:") || root.startsWith("https:")) {
            return root;
        }
        return "urn:oid:" + root;
    }
}
