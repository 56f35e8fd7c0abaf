package health.caravan.transformations.fhir;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

import ca.uhn.fhir.parser.DataFormatException;
import health.caravan.hl7.Hl7DateTime;
import health.caravan.hl7.Hl7Text;
import health.caravan.transformations.IdentifierTypes;

/**
 * One accepted HL7 v2 ADT message → FHIR R4 Patient, Encounter (PV1-19) and ward/bay/bed Locations (PV1-3, PV1-6).
 *
 * <p>Field choices follow {@link health.caravan.transformations.AdtActionMapper}: PID-3 identifiers selected by type
 * code (CX-5), PID-5 names, PID-11 addresses, PID-13/14 telecoms, PID-7 birth date, PID-8 sex, PID-29/30 death, PV1-2 patient class, PV1-3 ward^bay^bed,
 * PV1-6 previous location, PV1-19 visit number, PV1-44/45 admit/discharge, MRG-1 on merges.
 *
 * <p>Ids are name-based UUIDs of the business identifiers, so mapping the same message twice (or two messages about
 * the same patient, visit or bed) gives the same ids. Pure and thread-safe; nothing is logged, and exception messages
 * name the field, never its value.
 */
public final class AdtToFhirMapper {

    static final String PHYSICAL_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/location-physical-type";
    static final String ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String NULL_FLAVOR_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor";

    private static final Set<String> MERGES = Set.of("A34", "A35", "A36", "A40");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

    /**
     * @param nhsNumberSystem   identifier system of the NHS number
     * @param mrnSystem         identifier system of the MRN
     * @param visitNumberSystem identifier system of the visit number (PV1-19)
     * @param locationSystem    identifier system of the ward, {@code ward/bay} and {@code ward/bay/bed} codes
     * @param identifierTypes   which CX-5 type codes are an NHS number and an MRN
     * @param zone              zone of date/times that carry no offset
     */
    public record Settings(String nhsNumberSystem, String mrnSystem, String visitNumberSystem, String locationSystem,
                           IdentifierTypes identifierTypes, ZoneId zone) {

        public Settings {
            Objects.requireNonNull(nhsNumberSystem, "nhsNumberSystem");
            Objects.requireNonNull(mrnSystem, "mrnSystem");
            Objects.requireNonNull(visitNumberSystem, "visitNumberSystem");
            Objects.requireNonNull(locationSystem, "locationSystem");
            Objects.requireNonNull(identifierTypes, "identifierTypes");
            Objects.requireNonNull(zone, "zone");
        }

        public static Settings defaults() {
            return new Settings("https://fhir.nhs.uk/Id/nhs-number", "urn:caravan:mrn", "urn:caravan:visit-number",
                    "urn:caravan:location", IdentifierTypes.polarisDefaults(), ZoneId.of("Europe/London"));
        }
    }

    private final Settings settings;

    public AdtToFhirMapper(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Maps one ADT message.
     *
     * @throws IllegalArgumentException (message without PHI) when the message has no PID or no patient identifier at
     *                                  all, or a date cannot be read
     */
    public AdtFhirResources map(Hl7Text message) {
        Objects.requireNonNull(message, "message");
        if (!message.hasSegment("PID")) {
            throw new IllegalArgumentException("message has no PID segment");
        }
        String trigger = value(message, "MSH", 9, 2);

        List<Identifier> identifiers = patientIdentifiers(message, "PID", 3);
        if (identifiers.isEmpty()) {
            throw new IllegalArgumentException("message has no patient identifier");
        }
        Patient patient = patient(message, identifiers);

        List<Identifier> previous = trigger != null && MERGES.contains(trigger) && message.hasSegment("MRG")
                ? patientIdentifiers(message, "MRG", 1)
                : List.of();

        Map<String, Location> locations = new LinkedHashMap<>();
        Location current = null;
        Location prior = null;
        if (message.hasSegment("PV1")) {
            current = addLocations(message, 3, locations);
            prior = addLocations(message, 6, locations);
        }

        Encounter encounter = null;
        String visit = message.hasSegment("PV1") ? value(message, "PV1", 19, 1) : null;
        if (visit != null) {
            encounter = encounter(message, trigger, visit, patient, current, prior);
        }
        return new AdtFhirResources(trigger, patient, previous, encounter, new ArrayList<>(locations.values()));
    }

    // ---------------------------------------------------------------- ids

    /** {@code UUID.nameUUIDFromBytes("Patient|" + system + "|" + value)}. */
    public static String patientId(Identifier primary) {
        return nameId("Patient", primary);
    }

    /** {@code UUID.nameUUIDFromBytes("Encounter|" + system + "|" + value)}. */
    public static String encounterId(Identifier visit) {
        return nameId("Encounter", visit);
    }

    /** {@code UUID.nameUUIDFromBytes("Location|" + system + "|" + value)}. */
    public static String locationId(Identifier location) {
        return nameId("Location", location);
    }

    private static String nameId(String type, Identifier identifier) {
        Objects.requireNonNull(identifier, "identifier");
        String name = type + "|" + identifier.getSystem() + "|" + identifier.getValue();
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    // ---------------------------------------------------------------- patient

    /** NHS number (official) then MRN (usual) of a CX field; only those two kinds. */
    private List<Identifier> patientIdentifiers(Hl7Text m, String segment, int field) {
        List<Identifier> out = new ArrayList<>(2);
        String nhs = identifier(m, segment, field, settings.identifierTypes().nhsTypes());
        if (nhs != null) {
            out.add(new Identifier().setUse(Identifier.IdentifierUse.OFFICIAL)
                    .setSystem(settings.nhsNumberSystem()).setValue(nhs));
        }
        String mrn = identifier(m, segment, field, settings.identifierTypes().mrnTypes());
        if (mrn != null) {
            out.add(new Identifier().setUse(Identifier.IdentifierUse.USUAL)
                    .setSystem(settings.mrnSystem()).setValue(mrn));
        }
        return out;
    }

    /** Component 1 of the first repetition whose type (component 5) is one of {@code types}; null when none/empty. */
    private static String identifier(Hl7Text m, String segment, int field, Set<String> types) {
        int repetitions = m.repetitions(segment, field);
        for (int r = 1; r <= repetitions; r++) {
            String type = m.get(segment, field, r, 5);
            if (type != null && types.contains(type)) {
                return emptyToNull(m.get(segment, field, r, 1));
            }
        }
        return null;
    }

    private Patient patient(Hl7Text m, List<Identifier> identifiers) {
        Patient patient = new Patient();
        Identifier primary = identifiers.stream()
                .filter(i -> settings.mrnSystem().equals(i.getSystem()))
                .findFirst()
                .orElse(identifiers.get(0));
        patient.setId(patientId(primary));
        patient.setIdentifier(new ArrayList<>(identifiers));
        patient.setActive(true);

        int names = m.repetitions("PID", 5);
        for (int r = 1; r <= names; r++) {
            HumanName name = name(m, r);
            if (name != null && patient.getName().stream().noneMatch(n -> n.equalsDeep(name))) {
                patient.addName(name);
            }
        }

        addresses(m, patient);
        telecoms(m, 13, ContactPoint.ContactPointUse.HOME, patient);
        telecoms(m, 14, ContactPoint.ContactPointUse.WORK, patient);

        String sex = value(m, "PID", 8, 1);
        if (sex != null) {
            patient.setGender(gender(sex));
        }

        String birth = value(m, "PID", 7, 1);
        if (birth != null) {
            patient.setBirthDateElement(date(birth, "PID-7"));
        }

        String death = value(m, "PID", 29, 1);
        String deceasedIndicator = value(m, "PID", 30, 1);
        if (death != null) {
            patient.setDeceased(dateTime(death, "PID-29"));
        } else if ("Y".equalsIgnoreCase(deceasedIndicator)) {
            patient.setDeceased(new BooleanType(true));
        } else if ("N".equalsIgnoreCase(deceasedIndicator)) {
            patient.setDeceased(new BooleanType(false));
        }
        return patient;
    }

    /**
     * PID-5 repetition {@code r}: family XPN.1, given XPN.2 and .3, suffix XPN.4, prefix XPN.5, use from XPN.7 (the
     * first repetition is {@code official} unless XPN.7 says otherwise); null without family or given names.
     */
    private static HumanName name(Hl7Text m, int r) {
        String family = emptyToNull(m.get("PID", 5, r, 1));
        String given = emptyToNull(m.get("PID", 5, r, 2));
        String middle = emptyToNull(m.get("PID", 5, r, 3));
        if (family == null && given == null && middle == null) {
            return null;
        }
        HumanName name = new HumanName();
        HumanName.NameUse use = nameUse(m.get("PID", 5, r, 7));
        if (use == null && r == 1) {
            use = HumanName.NameUse.OFFICIAL;
        }
        if (use != null) {
            name.setUse(use);
        }
        if (family != null) {
            name.setFamily(family);
        }
        if (given != null) {
            name.addGiven(given);
        }
        if (middle != null) {
            name.addGiven(middle);
        }
        String suffix = emptyToNull(m.get("PID", 5, r, 4));
        if (suffix != null) {
            name.addSuffix(suffix);
        }
        String prefix = emptyToNull(m.get("PID", 5, r, 5));
        if (prefix != null) {
            name.addPrefix(prefix);
        }
        return name;
    }

    /** HL7 table 0200 name type (XPN.7) → FHIR name use; null when it has none. */
    static HumanName.NameUse nameUse(String xpn7) {
        String t = emptyToNull(xpn7);
        if (t == null) {
            return null;
        }
        return switch (t.toUpperCase(Locale.ROOT)) {
            case "L", "R", "C" -> HumanName.NameUse.OFFICIAL;
            case "A", "D", "PREFERRED" -> HumanName.NameUse.USUAL;
            case "N" -> HumanName.NameUse.NICKNAME;
            case "M" -> HumanName.NameUse.MAIDEN;
            case "B", "BAD", "NOUSE" -> HumanName.NameUse.OLD;
            case "S", "MSK" -> HumanName.NameUse.ANONYMOUS;
            case "TEMP", "NB", "NAV" -> HumanName.NameUse.TEMP;
            default -> null;
        };
    }

    /** Every PID-11 repetition with at least one part; empty parts are left out. */
    private static void addresses(Hl7Text m, Patient patient) {
        int repetitions = m.repetitions("PID", 11);
        for (int r = 1; r <= repetitions; r++) {
            Address address = new Address();
            for (int c : new int[] {1, 2}) {
                String line = emptyToNull(m.get("PID", 11, r, c));
                if (line != null) {
                    address.addLine(line);
                }
            }
            String city = emptyToNull(m.get("PID", 11, r, 3));
            String state = emptyToNull(m.get("PID", 11, r, 4));
            String postalCode = emptyToNull(m.get("PID", 11, r, 5));
            String country = emptyToNull(m.get("PID", 11, r, 6));
            String district = emptyToNull(m.get("PID", 11, r, 9));
            if (city != null) {
                address.setCity(city);
            }
            if (state != null) {
                address.setState(state);
            }
            if (postalCode != null) {
                address.setPostalCode(postalCode);
            }
            if (country != null) {
                address.setCountry(country);
            }
            if (district != null) {
                address.setDistrict(district);
            }
            if (address.isEmpty()) {
                continue;
            }
            String type = emptyToNull(m.get("PID", 11, r, 7));
            if (type != null) {
                switch (type.toUpperCase(Locale.ROOT)) {
                    case "H", "HOME", "P", "L", "RH" -> address.setUse(Address.AddressUse.HOME);
                    case "B", "O", "BI", "WORK" -> address.setUse(Address.AddressUse.WORK);
                    case "C", "TEMP" -> address.setUse(Address.AddressUse.TEMP);
                    case "BA", "OLD" -> address.setUse(Address.AddressUse.OLD);
                    case "M" -> address.setType(Address.AddressType.POSTAL);
                    default -> {
                        // other XAD-7 types (birth place, country of origin, …) carry no FHIR use
                    }
                }
            }
            patient.addAddress(address);
        }
    }

    /**
     * Every PID-{@code field} (13 home, 14 business) repetition with a number or address: system from XTN.3
     * (XTN.2 NET/BPN), value XTN.12, else XTN.1, else XTN.5-8 (phone) or XTN.4 (email); use mobile for a cell
     * phone, else from XTN.2, else the field's. Exact repeats are left out.
     */
    private static void telecoms(Hl7Text m, int field, ContactPoint.ContactPointUse fieldUse, Patient patient) {
        int repetitions = m.repetitions("PID", field);
        for (int r = 1; r <= repetitions; r++) {
            String useCode = upper(m.get("PID", field, r, 2));
            String equipment = upper(m.get("PID", field, r, 3));
            String email = emptyToNull(m.get("PID", field, r, 4));
            String number = emptyToNull(m.get("PID", field, r, 12));
            if (number == null) {
                number = emptyToNull(m.get("PID", field, r, 1));
            }
            if (number == null) {
                number = phoneParts(m, field, r);
            }

            ContactPoint.ContactPointSystem system;
            String value;
            if ("INTERNET".equals(equipment) || "X.400".equals(equipment) || "NET".equals(useCode)
                    || (number == null && email != null)) {
                system = ContactPoint.ContactPointSystem.EMAIL;
                value = email != null ? email : number;
            } else {
                system = switch (equipment) {
                    case "FX" -> ContactPoint.ContactPointSystem.FAX;
                    case "BP" -> ContactPoint.ContactPointSystem.PAGER;
                    default -> "BPN".equals(useCode) ? ContactPoint.ContactPointSystem.PAGER
                            : ContactPoint.ContactPointSystem.PHONE;
                };
                value = number;
            }
            if (value == null) {
                continue;
            }
            ContactPoint.ContactPointUse use;
            if ("CP".equals(equipment) || "CELLULAR PHONE".equals(equipment) || "MOBILE".equals(useCode)
                    || "MOB".equals(useCode)) {
                use = ContactPoint.ContactPointUse.MOBILE;
            } else {
                use = switch (useCode) {
                    case "PRN", "ORN", "VHN", "HOME", "HP" -> ContactPoint.ContactPointUse.HOME;
                    case "WPN", "WORK", "WP" -> ContactPoint.ContactPointUse.WORK;
                    default -> fieldUse;
                };
            }
            ContactPoint telecom = new ContactPoint().setSystem(system).setValue(value).setUse(use);
            if (patient.getTelecom().stream().noneMatch(t -> t.equalsDeep(telecom))) {
                patient.addTelecom(telecom);
            }
        }
    }

    /** {@code +country area local ext. extension} of XTN.5-8, null without a local number (XTN.7). */
    private static String phoneParts(Hl7Text m, int field, int r) {
        String local = emptyToNull(m.get("PID", field, r, 7));
        if (local == null) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        String country = emptyToNull(m.get("PID", field, r, 5));
        String area = emptyToNull(m.get("PID", field, r, 6));
        String extension = emptyToNull(m.get("PID", field, r, 8));
        if (country != null) {
            s.append(country.startsWith("+") ? "" : "+").append(country).append(' ');
        }
        if (area != null) {
            s.append(area).append(' ');
        }
        s.append(local);
        if (extension != null) {
            s.append(" ext. ").append(extension);
        }
        return s.toString();
    }

    private static String upper(String s) {
        String t = emptyToNull(s);
        return t == null ? "" : t.toUpperCase(Locale.ROOT);
    }

    static AdministrativeGender gender(String pid8) {
        return switch (pid8.strip().toUpperCase(Locale.ROOT)) {
            case "M", "1" -> AdministrativeGender.MALE;
            case "F", "2" -> AdministrativeGender.FEMALE;
            case "O", "3" -> AdministrativeGender.OTHER;
            default -> AdministrativeGender.UNKNOWN;
        };
    }

    // ---------------------------------------------------------------- locations

    /**
     * Adds the ward, bay and bed of PV1-{@code field} (parents first, deduplicated by id) and returns the most
     * specific of them, null when the field has no ward.
     */
    private Location addLocations(Hl7Text m, int field, Map<String, Location> locations) {
        String ward = value(m, "PV1", field, 1);
        if (ward == null) {
            return null;
        }
        String bay = value(m, "PV1", field, 2);
        String bed = value(m, "PV1", field, 3);

        Location mostSpecific = add(locations, location(ward, ward, "wa", "Ward", null));
        Location wardLocation = mostSpecific;
        if (bay != null) {
            mostSpecific = add(locations, location(ward + "/" + bay, bay, "ro", "Room", wardLocation));
        }
        if (bed != null) {
            String code = ward + "/" + (bay == null ? "" : bay) + "/" + bed;
            mostSpecific = add(locations, location(code, bed, "bd", "Bed", mostSpecific));
        }
        return mostSpecific;
    }

    private static Location add(Map<String, Location> locations, Location location) {
        return locations.computeIfAbsent(location.getIdElement().getIdPart(), id -> location);
    }

    private Location location(String code, String name, String physicalType, String display, Location parent) {
        Identifier identifier = new Identifier().setSystem(settings.locationSystem()).setValue(code);
        Location location = new Location();
        location.setId(locationId(identifier));
        location.addIdentifier(identifier);
        location.setStatus(Location.LocationStatus.ACTIVE);
        location.setName(name);
        location.setMode(Location.LocationMode.INSTANCE);
        location.setPhysicalType(new CodeableConcept(new Coding(PHYSICAL_TYPE_SYSTEM, physicalType, display)));
        if (parent != null) {
            location.setPartOf(reference(parent));
        }
        return location;
    }

    private static Reference reference(Location location) {
        return new Reference("Location/" + location.getIdElement().getIdPart());
    }

    // ---------------------------------------------------------------- encounter

    private Encounter encounter(Hl7Text m, String trigger, String visit, Patient patient, Location current,
            Location prior) {
        Identifier identifier = new Identifier().setUse(Identifier.IdentifierUse.OFFICIAL)
                .setSystem(settings.visitNumberSystem()).setValue(visit);
        Encounter encounter = new Encounter();
        encounter.setId(encounterId(identifier));
        encounter.addIdentifier(identifier);
        encounter.setSubject(new Reference("Patient/" + patient.getIdElement().getIdPart()));
        encounter.setClass_(encounterClass(value(m, "PV1", 2, 1)));

        String admitted = value(m, "PV1", 44, 1);
        String discharged = value(m, "PV1", 45, 1);
        Encounter.EncounterStatus status = status(trigger, admitted, discharged);
        encounter.setStatus(status);

        Period period = new Period();
        if (admitted != null) {
            period.setStartElement(dateTime(admitted, "PV1-44"));
        }
        if (discharged != null && !"A13".equals(trigger)) {
            period.setEndElement(dateTime(discharged, "PV1-45"));
        }
        if (!period.isEmpty()) {
            encounter.setPeriod(period);
        }

        if (current != null) {
            boolean over = status == Encounter.EncounterStatus.FINISHED
                    || status == Encounter.EncounterStatus.CANCELLED;
            encounter.addLocation().setLocation(reference(current)).setStatus(over
                    ? Encounter.EncounterLocationStatus.COMPLETED
                    : Encounter.EncounterLocationStatus.ACTIVE);
        }
        if (prior != null && (current == null
                || !prior.getIdElement().getIdPart().equals(current.getIdElement().getIdPart()))) {
            encounter.addLocation().setLocation(reference(prior))
                    .setStatus(Encounter.EncounterLocationStatus.COMPLETED);
        }
        return encounter;
    }

    static Encounter.EncounterStatus status(String trigger, String admitted, String discharged) {
        if (trigger != null) {
            switch (trigger) {
                case "A05", "A14":
                    return Encounter.EncounterStatus.PLANNED;
                case "A11", "A27", "A38":
                    return Encounter.EncounterStatus.CANCELLED;
                case "A23":
                    return Encounter.EncounterStatus.ENTEREDINERROR;
                case "A03":
                    return Encounter.EncounterStatus.FINISHED;
                case "A21":
                    return Encounter.EncounterStatus.ONLEAVE;
                case "A01", "A02", "A04", "A06", "A07", "A12", "A13", "A22", "A44":
                    return Encounter.EncounterStatus.INPROGRESS;
                default:
                    break;
            }
        }
        if (discharged != null) {
            return Encounter.EncounterStatus.FINISHED;
        }
        if (admitted != null) {
            return Encounter.EncounterStatus.INPROGRESS;
        }
        return Encounter.EncounterStatus.PLANNED;
    }

    static Coding encounterClass(String pv12) {
        String v = pv12 == null ? "" : pv12.strip().toUpperCase(Locale.ROOT);
        return switch (v) {
            case "I", "INPATIENT", "B" -> new Coding(ACT_CODE_SYSTEM, "IMP", "inpatient encounter");
            case "O", "OUTPATIENT", "R" -> new Coding(ACT_CODE_SYSTEM, "AMB", "ambulatory");
            case "E", "EMERGENCY" -> new Coding(ACT_CODE_SYSTEM, "EMER", "emergency");
            case "P", "PREADMIT" -> new Coding(ACT_CODE_SYSTEM, "PRENC", "pre-admission");
            case "DAYCASE", "DAY CASE" -> new Coding(ACT_CODE_SYSTEM, "SS", "short stay");
            default -> new Coding(NULL_FLAVOR_SYSTEM, "UNK", "unknown");
        };
    }

    // ---------------------------------------------------------------- values and dates

    private static String value(Hl7Text m, String segment, int field, int component) {
        return emptyToNull(m.get(segment, field, component));
    }

    private static String emptyToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }

    /** Number of date/time digits of a DTM (before any fraction or offset). */
    private static int digits(String value) {
        String v = value.strip();
        int sign = Math.max(v.indexOf('+'), v.indexOf('-'));
        if (sign >= 0) {
            v = v.substring(0, sign);
        }
        int dot = v.indexOf('.');
        return dot >= 0 ? dot : v.length();
    }

    /** A date of YEAR, MONTH or DAY precision (whatever the value had, a time part ignored). */
    private static DateType date(String value, String field) {
        try {
            LocalDateTime local = Hl7DateTime.parse(value).local();
            int digits = digits(value);
            String text = digits == 4 ? String.format(Locale.ROOT, "%04d", local.getYear())
                    : digits == 6 ? String.format(Locale.ROOT, "%04d-%02d", local.getYear(), local.getMonthValue())
                    : String.format(Locale.ROOT, "%04d-%02d-%02d", local.getYear(), local.getMonthValue(),
                            local.getDayOfMonth());
            return new DateType(text);
        } catch (DateTimeException | DataFormatException e) {
            throw new IllegalArgumentException("unreadable date in " + field);
        }
    }

    /**
     * A dateTime with the precision of the value: YEAR, MONTH or DAY for dates, else seconds (milliseconds when the
     * value had a fraction) with the value's offset or the zone's.
     */
    private DateTimeType dateTime(String value, String field) {
        try {
            Hl7DateTime.Parsed parsed = Hl7DateTime.parse(value);
            LocalDateTime local = parsed.local();
            String text;
            switch (digits(value)) {
                case 4 -> text = String.format(Locale.ROOT, "%04d", local.getYear());
                case 6 -> text = String.format(Locale.ROOT, "%04d-%02d", local.getYear(), local.getMonthValue());
                case 8 -> text = String.format(Locale.ROOT, "%04d-%02d-%02d", local.getYear(), local.getMonthValue(),
                        local.getDayOfMonth());
                default -> {
                    OffsetDateTime time = parsed.in(settings.zone());
                    text = (value.indexOf('.') >= 0 ? MILLIS : SECONDS).format(time);
                }
            }
            return new DateTimeType(text);
        } catch (DateTimeException | DataFormatException e) {
            throw new IllegalArgumentException("unreadable date in " + field);
        }
    }
}
