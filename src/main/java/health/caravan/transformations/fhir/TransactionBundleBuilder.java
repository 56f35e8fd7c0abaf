package health.caravan.transformations.fhir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Resources from Caravan's store → a FHIR {@code transaction} Bundle for another server: one conditional
 * update per resource ({@code PUT Patient?identifier=system|value}), so the server creates or updates its own
 * copy whatever its ids are. References between the resources become the entries' {@code urn:uuid:} full
 * URLs; a reference to a resource not in the Bundle (a merge link to a patient not in this message) is left out.
 */
public final class TransactionBundleBuilder {

    private TransactionBundleBuilder() {
    }

    /** @param resources with ids and identifiers, referenced resources before the ones that refer to them */
    public static Bundle build(List<Resource> resources) {
        Set<String> inBundle = new HashSet<>();
        for (Resource r : resources) {
            inBundle.add(r.fhirType() + "/" + r.getIdElement().getIdPart());
        }
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Resource source : resources) {
            Resource r = source.copy();
            String id = r.getIdElement().getIdPart();
            r.setId((String) null);
            r.setMeta(null);
            if (r instanceof Patient p) {
                p.getLink().removeIf(l -> !inBundle.contains(l.getOther().getReference()));
            }
            rewriteReferences(r, inBundle);
            Identifier key = matchKey(r);
            bundle.addEntry().setFullUrl("urn:uuid:" + id).setResource(r).getRequest()
                    .setMethod(Bundle.HTTPVerb.PUT)
                    .setUrl(r.fhirType() + "?identifier=" + URLEncoder.encode(key.getSystem() + "|" + key.getValue(),
                            StandardCharsets.UTF_8));
        }
        return bundle;
    }

    /** The identifier a conditional update matches on: the {@code usual} one (the MRN), else the first. */
    static Identifier matchKey(Resource r) {
        List<Identifier> identifiers = r.getNamedProperty("identifier").getValues().stream()
                .map(Identifier.class::cast).filter(i -> i.hasSystem() && i.hasValue()).toList();
        if (identifiers.isEmpty()) {
            throw new IllegalArgumentException(r.fhirType() + " without an identifier cannot be pushed");
        }
        return identifiers.stream().filter(i -> i.getUse() == Identifier.IdentifierUse.USUAL).findFirst()
                .orElse(identifiers.get(0));
    }

    private static void rewriteReferences(Base element, Set<String> inBundle) {
        for (Property property : element.children()) {
            for (Base value : property.getValues()) {
                if (value instanceof Reference ref) {
                    String target = ref.getReference();
                    if (target != null && inBundle.contains(target)) {
                        ref.setReference("urn:uuid:" + target.substring(target.indexOf('/') + 1));
                    }
                } else if (value != null && !value.isPrimitive()) {
                    rewriteReferences(value, inBundle);
                }
            }
        }
    }
}
