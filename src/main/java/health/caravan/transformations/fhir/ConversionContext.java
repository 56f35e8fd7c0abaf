package health.caravan.transformations.fhir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.w3c.dom.Element;

/**
 * State of one conversion: the resources produced so far (in bundle order), their deterministic ids, the patient
 * reference and the de-duplication maps for Practitioners and Organizations. Not shared between conversions.
 */
final class ConversionContext {

    private final String documentKey;
    private final List<Resource> resources = new ArrayList<>();
    private final Set<String> usedIds = new HashSet<>();
    private final Map<String, Reference> shared = new HashMap<>();
    private Reference patient;
    private org.hl7.fhir.r4.model.DateTimeType documentTime;

    ConversionContext(String documentKey) {
        this.documentKey = documentKey;
    }

    /**
     * Adds a resource with a deterministic id derived from {@code key} (the entry's own id), falling back to the
     * element's position when the key is null or already taken (the same id reused in a document).
     */
    Reference add(Resource resource, String key, Element source) {
        String type = resource.fhirType();
        String id = key == null ? null : DeterministicIds.uuid(documentKey, type, key);
        if (id == null || usedIds.contains(id)) {
            String position = source == null ? "#" + resources.size() : DeterministicIds.position(source);
            id = DeterministicIds.uuid(documentKey, type, position + (key == null ? "" : "|" + key));
            int n = 1;
            while (usedIds.contains(id)) {
                id = DeterministicIds.uuid(documentKey, type, position + "|" + n++);
            }
        }
        usedIds.add(id);
        resource.setId(id);
        resources.add(resource);
        return reference(id);
    }

    /** Adds a resource keyed by the id of the CDA element ({@code id} child), or its position. */
    Reference addFor(Resource resource, Element statement) {
        return add(resource, CdaDataTypes.key(CdaXml.child(statement, "id")), statement);
    }

    static Reference reference(String id) {
        return new Reference("urn:uuid:" + id);
    }

    /** A de-duplicated resource (Practitioner / Organization / Device) already in the bundle, by identity key. */
    Reference shared(String type, String identity) {
        Reference r = identity == null ? null : shared.get(type + "|" + identity);
        return r == null ? null : r.copy();
    }

    void share(String type, String identity, Reference reference) {
        if (identity != null) {
            shared.putIfAbsent(type + "|" + identity, reference);
        }
    }

    /** The resource a {@code urn:uuid:} reference of this conversion points to, or null. */
    Resource resolve(Reference reference) {
        String ref = reference == null ? null : reference.getReference();
        if (ref == null || !ref.startsWith("urn:uuid:")) {
            return null;
        }
        String id = ref.substring(9);
        for (Resource r : resources) {
            if (id.equals(r.getIdElement().getIdPart())) {
                return r;
            }
        }
        return null;
    }

    Reference patient() {
        return patient.copy();
    }

    void patient(Reference patient) {
        this.patient = patient;
    }

    /** ClinicalDocument/effectiveTime (may be null). */
    org.hl7.fhir.r4.model.DateTimeType documentTime() {
        return documentTime == null ? null : documentTime.copy();
    }

    void documentTime(org.hl7.fhir.r4.model.DateTimeType documentTime) {
        this.documentTime = documentTime;
    }

    List<Resource> resources() {
        return resources;
    }

    String documentKey() {
        return documentKey;
    }
}
