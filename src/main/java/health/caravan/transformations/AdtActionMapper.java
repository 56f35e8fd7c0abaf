package health.caravan.transformations;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import health.caravan.hl7.Hl7DateTime;
import health.caravan.hl7.Hl7Text;

/**
 * ADT message → Polaris "actions" (reference §5): {@code process_patient} always, and
 * {@code process_location} + {@code process_encounter} when PV1 carries an admit time (PV1-44).
 * Maps keep the key order the Polaris connector published.
 */
public final class AdtActionMapper {

    private static final Set<String> ADMISSION_CANCELLED = Set.of("A11", "A23", "A27", "A38");
    private static final Set<String> MERGES = Set.of("A34", "A40");

    private final IdentifierTypes identifierTypes;
    private final ZoneId zone;

    public AdtActionMapper(IdentifierTypes identifierTypes, ZoneId zone) {
        this.identifierTypes = identifierTypes;
        this.zone = zone;
    }

    /**
     * @throws Hl7ProcessingError when a required segment is missing or a value cannot be read
     */
    public List<Map<String, Object>> actions(Hl7Text m) {
        String trigger = m.get("MSH", 9, 2);
        List<Map<String, Object>> actions = new ArrayList<>(3);
        actions.add(action("process_patient", patient(m, trigger)));
        String admitted = m.hasSegment("PV1") ? m.get("PV1", 44) : null;
        if (admitted != null && !admitted.isEmpty()) {
            Map<String, Object> location = location(m, 3);
            Map<String, Object> previous = previousLocation(m);

            Map<String, Object> locationData = new LinkedHashMap<>();
            locationData.put("location", location);
            if (previous != null) {
                locationData.put("previous_location", previous);
            }
            actions.add(action("process_location", locationData));

            Map<String, Object> encounter = new LinkedHashMap<>();
            encounter.put("epr_encounter_id", m.get("PV1", 19));
            encounter.put("location", location);
            encounter.put("encounter_type", m.get("PV1", 2));
            encounter.put("admitted_at", dateTime(admitted));
            encounter.put("admission_cancelled", ADMISSION_CANCELLED.contains(trigger));
            encounter.put("transfer_cancelled", "A12".equals(trigger));
            encounter.put("discharge_cancelled", "A13".equals(trigger));
            encounter.put("encounter_moved", "A44".equals(trigger));
            encounter.put("patient_deceased", dateOfDeath(m) != null);
            String discharged = m.get("PV1", 45);
            if (discharged != null && !discharged.isEmpty()) {
                encounter.put("discharged_at", dateTime(discharged));
            }
            if (m.hasSegment("MRG")) {
                encounter.put("parent_encounter_id", orEmpty(m.get("MRG", 5)));
                encounter.put("epr_previous_location_code", orEmpty(m.get("MRG", 6)));
            }
            if (previous != null) {
                encounter.put("previous_location", previous);
            }
            actions.add(action("process_encounter", encounter));
        }
        return actions;
    }

    private Map<String, Object> patient(Hl7Text m, String trigger) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("first_name", m.get("PID", 5, 2));
        p.put("last_name", m.get("PID", 5, 1));
        p.put("sex_sct", SexCodes.snomed(m.get("PID", 8)));
        putIfPresent(p, "nhs_number", PatientIdentifiers.identifier(m, "PID", 3, identifierTypes.nhsTypes()));
        putIfPresent(p, "mrn", PatientIdentifiers.identifier(m, "PID", 3, identifierTypes.mrnTypes()));
        String dob = m.get("PID", 7);
        if (dob != null && !dob.isEmpty()) {
            p.put("date_of_birth", date(dob));
        }
        String dod = dateOfDeath(m);
        if (dod != null) {
            p.put("date_of_death", dod);
        }
        if (MERGES.contains(trigger)) {
            if (!m.hasSegment("MRG")) {
                throw new Hl7ProcessingError(Hl7ProcessingError.MISSING, "merge message without MRG segment");
            }
            putIfPresent(p, "previous_nhs_number", PatientIdentifiers.identifier(m, "MRG", 1, identifierTypes.nhsTypes()));
            putIfPresent(p, "previous_mrn", PatientIdentifiers.identifier(m, "MRG", 1, identifierTypes.mrnTypes()));
        }
        return p;
    }

    private String dateOfDeath(Hl7Text m) {
        String dod = m.get("PID", 29);
        return dod == null || dod.isEmpty() ? null : date(dod);
    }

    private static Map<String, Object> location(Hl7Text m, int field) {
        Map<String, Object> location = new LinkedHashMap<>();
        location.put("epr_ward_code", m.get("PV1", field, 1));
        location.put("epr_bay_code", m.get("PV1", field, 2));
        location.put("epr_bed_code", m.get("PV1", field, 3));
        return location;
    }

    private static Map<String, Object> previousLocation(Hl7Text m) {
        String ward = m.get("PV1", 6, 1);
        if (ward == null || ward.isEmpty()) {
            return null;
        }
        return location(m, 6);
    }

    private static Map<String, Object> action(String name, Map<String, Object> data) {
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("name", name);
        action.put("data", data);
        return action;
    }

    private static void putIfPresent(Map<String, Object> map, String key, String value) {
        if (value != null && !value.isEmpty()) {
            map.put(key, value);
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String date(String value) {
        try {
            return Hl7DateTime.isoDate(value);
        } catch (DateTimeException e) {
            throw new Hl7ProcessingError(Hl7ProcessingError.UNREADABLE, "unreadable date");
        }
    }

    private String dateTime(String value) {
        try {
            return Hl7DateTime.isoDateTime(value, zone);
        } catch (DateTimeException e) {
            throw new Hl7ProcessingError(Hl7ProcessingError.UNREADABLE, "unreadable date/time");
        }
    }
}
