package health.caravan.fhir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * The search-index rows of a resource: tokens twice ({@code system|code} and bare {@code code}), strings in
 * lower case, references as {@code Type/id}, dates as the instant range they cover ({@code high} exclusive,
 * null when open).
 */
public final class SearchIndex {

    static final String GENDER_SYSTEM = "http://hl7.org/fhir/administrative-gender";
    static final String ENCOUNTER_STATUS_SYSTEM = "http://hl7.org/fhir/encounter-status";

    /** One searchable value. */
    public record Row(String name, String value, Instant low, Instant high) {
    }

    private SearchIndex() {
    }

    /**
     * Internal index entry (not a search parameter of the API): the identifiers of a Patient that has no
     * MRN ({@code usual} identifier), so matching an NHS number to such a Patient is one index lookup
     * however many Patients share the NHS number.
     */
    public static final String WITHOUT_MRN = "identifier-without-mrn";

    public static String token(String system, String code) {
        return (system == null ? "" : system) + "|" + code;
    }

    public static List<Row> rows(Resource resource) {
        List<Row> rows = new ArrayList<>();
        if (resource instanceof Patient p) {
            p.getIdentifier().forEach(i -> identifier(rows, i));
            if (p.getIdentifier().stream().noneMatch(i -> i.getUse() == Identifier.IdentifierUse.USUAL)) {
                // Patients known without an MRN, found by their other identifiers in one index lookup
                p.getIdentifier().stream().filter(Identifier::hasValue)
                        .forEach(i -> token(rows, WITHOUT_MRN, i.getSystem(), i.getValue()));
            }
            for (HumanName n : p.getName()) {
                if (n.hasFamily()) {
                    string(rows, "family", n.getFamily());
                    string(rows, "name", n.getFamily());
                }
                for (StringType given : n.getGiven()) {
                    string(rows, "given", given.getValue());
                    string(rows, "name", given.getValue());
                }
            }
            if (p.hasGender()) {
                token(rows, "gender", GENDER_SYSTEM, p.getGender().toCode());
            }
            if (p.hasBirthDateElement()) {
                date(rows, "birthdate", p.getBirthDateElement(), p.getBirthDateElement());
            }
            rows.add(new Row("active", Boolean.toString(!p.hasActive() || p.getActive()), null, null));
        } else if (resource instanceof Encounter e) {
            e.getIdentifier().forEach(i -> identifier(rows, i));
            if (e.hasStatus()) {
                token(rows, "status", ENCOUNTER_STATUS_SYSTEM, e.getStatus().toCode());
            }
            if (e.hasClass_()) {
                Coding c = e.getClass_();
                token(rows, "class", c.getSystem(), c.getCode());
            }
            if (e.hasSubject()) {
                reference(rows, "subject", e.getSubject());
                reference(rows, "patient", e.getSubject());
            }
            for (Encounter.EncounterLocationComponent l : e.getLocation()) {
                reference(rows, "location", l.getLocation());
            }
            if (e.hasPeriod() && e.getPeriod().hasStartElement()) {
                date(rows, "date", e.getPeriod().getStartElement(), e.getPeriod().hasEndElement() ? e.getPeriod().getEndElement() : null);
            }
        } else if (resource instanceof Location l) {
            l.getIdentifier().forEach(i -> identifier(rows, i));
            if (l.hasName()) {
                string(rows, "name", l.getName());
            }
            if (l.hasPartOf()) {
                reference(rows, "partof", l.getPartOf());
            }
        }
        return rows;
    }

    private static void identifier(List<Row> rows, Identifier i) {
        if (i.hasValue()) {
            token(rows, "identifier", i.getSystem(), i.getValue());
        }
    }

    private static void token(List<Row> rows, String name, String system, String code) {
        if (code == null) {
            return;
        }
        rows.add(new Row(name, token(system, code), null, null));
        rows.add(new Row(name, code, null, null));
    }

    private static void string(List<Row> rows, String name, String value) {
        if (value != null && !value.isBlank()) {
            rows.add(new Row(name, normalise(value), null, null));
        }
    }

    private static void reference(List<Row> rows, String name, Reference reference) {
        if (reference.hasReference()) {
            rows.add(new Row(name, reference.getReferenceElement().toUnqualifiedVersionless().getValue(), null, null));
        }
    }

    /** The range from the start of {@code from} to the end of {@code to} (open when {@code to} is null). */
    private static void date(List<Row> rows, String name, BaseDateTimeType from, BaseDateTimeType to) {
        DateRange start = DateRange.of(from);
        Instant high = to == null ? null : DateRange.of(to).high();
        rows.add(new Row(name, null, start.low(), high));
    }

    /** Lower case, for case-insensitive string search. */
    public static String normalise(String value) {
        return value.toLowerCase(Locale.ROOT).strip();
    }
}
