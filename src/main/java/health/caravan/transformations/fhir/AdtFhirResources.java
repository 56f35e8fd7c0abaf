package health.caravan.transformations.fhir;

import java.util.List;

import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;

/**
 * The FHIR R4 resources mapped from one ADT message by {@link AdtToFhirMapper}.
 *
 * @param trigger                    MSH-9.2 (e.g. {@code A01})
 * @param patient                    the patient (always present)
 * @param previousPatientIdentifiers the identifiers of the merged-away record (MRG-1) on merges, else empty
 * @param encounter                  the visit (PV1-19), null when the message has none
 * @param locations                  the ward/bay/bed locations of PV1-3 and PV1-6, parents before children
 */
public record AdtFhirResources(String trigger, Patient patient, List<Identifier> previousPatientIdentifiers,
                               Encounter encounter, List<Location> locations) {

    public AdtFhirResources {
        previousPatientIdentifiers = previousPatientIdentifiers == null ? List.of() : List.copyOf(previousPatientIdentifiers);
        locations = locations == null ? List.of() : List.copyOf(locations);
    }
}
