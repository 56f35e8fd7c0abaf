package health.caravan.transformations.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import health.caravan.hl7.Hl7Text;
import health.caravan.hl7.NotHl7Exception;
import health.caravan.support.Fixtures;
import health.caravan.transformations.IdentifierTypes;
import health.caravan.transformations.PatientIdentifiers;

/** HL7 v2 ADT → FHIR R4 Patient/Encounter/Location: mapping facts, determinism and 0 validator errors. */
class AdtToFhirMapperTest {

    private static final String DIR = "fixtures/polaris/inbound";
    private static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    private static final String MRN = "urn:caravan:mrn";
    private static final String VISIT = "urn:caravan:visit-number";
    private static final String LOCATION = "urn:caravan:location";

    private static FhirResourceValidator validator;
    private static final AdtToFhirMapper MAPPER = new AdtToFhirMapper(AdtToFhirMapper.Settings.defaults());

    @BeforeAll
    static void setUp() {
        validator = new FhirResourceValidator(FhirContext.forR4Cached());
    }

    // ------------------------------------------------------------------ helpers

    static List<String> fixtureNames() throws Exception {
        return Fixtures.resourceNames(DIR).stream()
                .filter(n -> n.endsWith(".hl7"))
                .sorted()
                .toList();
    }

    static Hl7Text fixture(String name) throws NotHl7Exception {
        String file = name.endsWith(".hl7") ? name : name + ".hl7";
        return Hl7Text.parse(new String(Fixtures.resource(DIR + "/" + file), StandardCharsets.UTF_8));
    }

    static AdtFhirResources map(String fixture) throws NotHl7Exception {
        return MAPPER.map(fixture(fixture));
    }

    /** A segment from (field number, value) pairs, e.g. {@code seg("PID", 3, "1^^^^MRN", 8, "F")}. */
    static String seg(String name, Object... pairs) {
        Map<Integer, String> fields = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            fields.put((Integer) pairs[i], (String) pairs[i + 1]);
        }
        int last = fields.isEmpty() ? 0 : ((TreeMap<Integer, String>) fields).lastKey();
        StringBuilder s = new StringBuilder(name);
        for (int f = 1; f <= last; f++) {
            s.append('|').append(fields.getOrDefault(f, ""));
        }
        return s.toString();
    }

    static Hl7Text message(String trigger, String... segments) throws NotHl7Exception {
        StringBuilder s = new StringBuilder("MSH|^~\\&|SND|FAC|RCV|FAC|20240102030405||ADT^" + trigger
                + "|CTRL1|P|2.3");
        for (String segment : segments) {
            s.append('\r').append(segment);
        }
        return Hl7Text.parse(s.toString());
    }

    static String pid(Object... extraPairs) {
        Object[] base = {3, "123456^^^NOC-MRN^MRN~9434765919^^^NHSNBR^NHSNMBR", 5, "DOE^JANE^ANN^^DR", 7, "19800102",
                8, "F"};
        Object[] all = new Object[base.length + extraPairs.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extraPairs, 0, all, base.length, extraPairs.length);
        // later pairs override earlier ones in seg()
        return seg("PID", all);
    }

    static List<String> errors(Resource r) {
        return validator.errors(r);
    }

    static void assertValid(AdtFhirResources res, String label) {
        List<Resource> all = new ArrayList<>();
        all.add(res.patient());
        if (res.encounter() != null) {
            all.add(res.encounter());
        }
        all.addAll(res.locations());
        for (Resource r : all) {
            List<String> errors = errors(r);
            assertTrue(errors.isEmpty(), label + " " + r.fhirType() + ": " + errors);
        }
    }

    static Identifier identifier(List<Identifier> identifiers, String system) {
        return identifiers.stream().filter(i -> system.equals(i.getSystem())).findFirst().orElse(null);
    }

    static Location location(AdtFhirResources res, String code) {
        return res.locations().stream()
                .filter(l -> code.equals(l.getIdentifierFirstRep().getValue()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no location " + code));
    }

    static String ref(Location l) {
        return "Location/" + l.getIdElement().getIdPart();
    }

    // ------------------------------------------------------------------ every fixture

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureNames")
    void everyFixtureMapsToValidResources(String name) throws Exception {
        Hl7Text m;
        try {
            m = fixture(name);
        } catch (NotHl7Exception e) {
            return; // only messages that parse
        }
        PatientIdentifiers ids = PatientIdentifiers.of(m, IdentifierTypes.polarisDefaults());
        if (!m.hasSegment("PID") || (ids.nhsNumber() == null && ids.mrn() == null)) {
            assertThrows(IllegalArgumentException.class, () -> MAPPER.map(m));
            return;
        }
        AdtFhirResources res = MAPPER.map(m);
        assertNotNull(res.patient().getIdElement().getIdPart());
        assertTrue(res.patient().getActive());
        assertValid(res, name);

        // structural invariants: parents before children, every partOf / encounter location resolvable
        List<String> seen = new ArrayList<>();
        for (Location l : res.locations()) {
            if (l.hasPartOf()) {
                assertTrue(seen.contains(l.getPartOf().getReference()), name + ": parent listed first");
            }
            seen.add(ref(l));
        }
        assertEquals(seen.size(), seen.stream().distinct().count(), name + ": locations deduplicated");
        if (res.encounter() != null) {
            assertEquals("Patient/" + res.patient().getIdElement().getIdPart(),
                    res.encounter().getSubject().getReference());
            for (Encounter.EncounterLocationComponent l : res.encounter().getLocation()) {
                assertTrue(seen.contains(l.getLocation().getReference()), name + ": encounter location listed");
            }
        }
    }

    // ------------------------------------------------------------------ A01

    @Test
    void a01Admit() throws Exception {
        AdtFhirResources res = map("A01");
        assertEquals("A01", res.trigger());

        Patient p = res.patient();
        Identifier nhs = identifier(p.getIdentifier(), NHS);
        Identifier mrn = identifier(p.getIdentifier(), MRN);
        assertEquals(2, p.getIdentifier().size());
        assertEquals("1239874560", nhs.getValue());
        assertEquals(Identifier.IdentifierUse.OFFICIAL, nhs.getUse());
        assertEquals("654321", mrn.getValue());
        assertEquals(Identifier.IdentifierUse.USUAL, mrn.getUse());
        assertEquals(AdtToFhirMapper.patientId(mrn), p.getIdElement().getIdPart());

        assertEquals(1, p.getName().size());
        assertEquals("ZZZEDUCATION", p.getNameFirstRep().getFamily());
        assertEquals("STEPHEN", p.getNameFirstRep().getGivenAsSingleString());
        assertEquals(1, p.getNameFirstRep().getGiven().size());
        assertFalse(p.getNameFirstRep().hasPrefix());
        assertEquals(AdministrativeGender.MALE, p.getGender());
        assertEquals("1982-11-03", p.getBirthDateElement().getValueAsString());
        assertEquals(TemporalPrecisionEnum.DAY, p.getBirthDateElement().getPrecision());
        assertFalse(p.hasDeceased());
        assertTrue(res.previousPatientIdentifiers().isEmpty());

        Encounter e = res.encounter();
        assertNotNull(e);
        assertEquals(Encounter.EncounterStatus.INPROGRESS, e.getStatus());
        assertEquals("http://terminology.hl7.org/CodeSystem/v3-ActCode", e.getClass_().getSystem());
        assertEquals("IMP", e.getClass_().getCode());
        assertEquals("909127805", e.getIdentifierFirstRep().getValue());
        assertEquals(VISIT, e.getIdentifierFirstRep().getSystem());
        assertEquals(Identifier.IdentifierUse.OFFICIAL, e.getIdentifierFirstRep().getUse());
        assertEquals(AdtToFhirMapper.encounterId(e.getIdentifierFirstRep()), e.getIdElement().getIdPart());
        assertEquals("2017-07-31T14:13:00+01:00", e.getPeriod().getStartElement().getValueAsString());
        assertFalse(e.getPeriod().hasEnd());
        assertEquals("Patient/" + p.getIdElement().getIdPart(), e.getSubject().getReference());

        assertEquals(3, res.locations().size());
        Location ward = res.locations().get(0);
        Location bay = res.locations().get(1);
        Location bed = res.locations().get(2);
        assertEquals("NOC-Ward B", ward.getIdentifierFirstRep().getValue());
        assertEquals(LOCATION, ward.getIdentifierFirstRep().getSystem());
        assertEquals("NOC-Ward B", ward.getName());
        assertEquals("wa", ward.getPhysicalType().getCodingFirstRep().getCode());
        assertEquals("http://terminology.hl7.org/CodeSystem/location-physical-type",
                ward.getPhysicalType().getCodingFirstRep().getSystem());
        assertEquals(Location.LocationMode.INSTANCE, ward.getMode());
        assertEquals(Location.LocationStatus.ACTIVE, ward.getStatus());
        assertFalse(ward.hasPartOf());
        assertEquals("NOC-Ward B/Day Room", bay.getIdentifierFirstRep().getValue());
        assertEquals("Day Room", bay.getName());
        assertEquals("ro", bay.getPhysicalType().getCodingFirstRep().getCode());
        assertEquals(ref(ward), bay.getPartOf().getReference());
        assertEquals("NOC-Ward B/Day Room/Chair 6", bed.getIdentifierFirstRep().getValue());
        assertEquals("Chair 6", bed.getName());
        assertEquals("bd", bed.getPhysicalType().getCodingFirstRep().getCode());
        assertEquals(ref(bay), bed.getPartOf().getReference());
        for (Location l : res.locations()) {
            assertEquals(AdtToFhirMapper.locationId(l.getIdentifierFirstRep()), l.getIdElement().getIdPart());
        }

        assertEquals(1, e.getLocation().size());
        assertEquals(ref(bed), e.getLocation().get(0).getLocation().getReference());
        assertEquals(Encounter.EncounterLocationStatus.ACTIVE, e.getLocation().get(0).getStatus());
    }

    @Test
    void idsFollowTheDocumentedScheme() {
        Identifier id = new Identifier().setSystem(MRN).setValue("654321");
        assertEquals(java.util.UUID.nameUUIDFromBytes("Patient|urn:caravan:mrn|654321".getBytes(StandardCharsets.UTF_8))
                .toString(), AdtToFhirMapper.patientId(id));
        assertEquals(java.util.UUID.nameUUIDFromBytes("Encounter|urn:caravan:mrn|654321"
                .getBytes(StandardCharsets.UTF_8)).toString(), AdtToFhirMapper.encounterId(id));
        assertEquals(java.util.UUID.nameUUIDFromBytes("Location|urn:caravan:mrn|654321"
                .getBytes(StandardCharsets.UTF_8)).toString(), AdtToFhirMapper.locationId(id));
    }

    @Test
    void mappingTwiceGivesTheSameIds() throws Exception {
        for (String name : List.of("A01", "A02", "A34")) {
            AdtFhirResources a = map(name);
            AdtFhirResources b = map(name);
            assertEquals(a.patient().getIdElement().getIdPart(), b.patient().getIdElement().getIdPart());
            assertEquals(a.encounter() == null ? null : a.encounter().getIdElement().getIdPart(),
                    b.encounter() == null ? null : b.encounter().getIdElement().getIdPart());
            assertEquals(ids(a.locations()), ids(b.locations()));
        }
        // the same patient in two messages (A01 and admit_body) gets the same ids
        assertEquals(map("A01").patient().getIdElement().getIdPart(),
                map("admit_body").patient().getIdElement().getIdPart());
        assertEquals(ids(map("A01").locations()), ids(map("admit_body").locations()));
    }

    static List<String> ids(List<Location> locations) {
        return locations.stream().map(l -> l.getIdElement().getIdPart()).collect(Collectors.toList());
    }

    // ------------------------------------------------------------------ other triggers

    @Test
    void a02TransferHasCurrentActiveAndPreviousCompleted() throws Exception {
        AdtFhirResources res = map("A02");
        Encounter e = res.encounter();
        assertEquals(Encounter.EncounterStatus.INPROGRESS, e.getStatus());
        assertEquals(6, res.locations().size());
        Location current = location(res, "J-WD 5A/Room 01/Bed A");
        Location previous = location(res, "J-WD WWRecovery/In Theatre/Bed 01");
        assertEquals(ref(location(res, "J-WD WWRecovery/In Theatre")), previous.getPartOf().getReference());
        assertEquals(2, e.getLocation().size());
        assertEquals(ref(current), e.getLocation().get(0).getLocation().getReference());
        assertEquals(Encounter.EncounterLocationStatus.ACTIVE, e.getLocation().get(0).getStatus());
        assertEquals(ref(previous), e.getLocation().get(1).getLocation().getReference());
        assertEquals(Encounter.EncounterLocationStatus.COMPLETED, e.getLocation().get(1).getStatus());
    }

    @Test
    void a03DischargeIsFinishedWithPeriodEnd() throws Exception {
        AdtFhirResources res = map("A03");
        Encounter e = res.encounter();
        assertEquals(Encounter.EncounterStatus.FINISHED, e.getStatus());
        assertEquals("2017-04-03T12:21:00+01:00", e.getPeriod().getStartElement().getValueAsString());
        assertEquals("2017-04-28T13:35:00+01:00", e.getPeriod().getEndElement().getValueAsString());
        // PV1-6 is the same bed as PV1-3: one encounter location, no duplicate Locations
        assertEquals(1, e.getLocation().size());
        assertEquals(3, res.locations().size());
        // a finished Encounter is no longer at its location
        assertEquals(Encounter.EncounterLocationStatus.COMPLETED, e.getLocationFirstRep().getStatus());
    }

    @ParameterizedTest(name = "{0} → location {1}")
    @CsvSource({"A03, COMPLETED", "A08, COMPLETED", "A11, COMPLETED", "A38, COMPLETED", "A01, ACTIVE",
            "A02, ACTIVE", "A13, ACTIVE", "A21, ACTIVE"})
    void currentLocationIsCompletedOnceTheEncounterIsOver(String trigger,
            Encounter.EncounterLocationStatus expected) throws Exception {
        AdtFhirResources res = MAPPER.map(message(trigger, pid(), seg("PV1", 1, "1", 2, "I", 3, "W1^B1^BED1",
                6, "W0^^BED9", 19, "V1", 44, "20240101100000", 45, "20240102100000")));
        Encounter e = res.encounter();
        assertEquals(2, e.getLocation().size());
        assertEquals(ref(location(res, "W1/B1/BED1")), e.getLocation().get(0).getLocation().getReference());
        assertEquals(expected, e.getLocation().get(0).getStatus());
        assertEquals(Encounter.EncounterLocationStatus.COMPLETED, e.getLocation().get(1).getStatus());
        assertValid(res, trigger);
    }

    @Test
    void a11IsCancelled() throws Exception {
        AdtFhirResources res = map("A11");
        assertEquals(Encounter.EncounterStatus.CANCELLED, res.encounter().getStatus());
        assertEquals("2019Z123456", res.encounter().getIdentifierFirstRep().getValue());
        // PID-3 types MRN and NHS
        assertEquals("1987654321", identifier(res.patient().getIdentifier(), NHS).getValue());
        assertEquals("12345", identifier(res.patient().getIdentifier(), MRN).getValue());
        // PID-7 with a time: a date of DAY precision; PID-5.3 middle name and PID-5.5 prefix
        assertEquals("1973-08-02", res.patient().getBirthDateElement().getValueAsString());
        assertEquals(List.of("Ladder", "Jan"), res.patient().getNameFirstRep().getGiven().stream()
                .map(Object::toString).toList());
        assertEquals("DR", res.patient().getNameFirstRep().getPrefixAsSingleString());
        // ward only
        assertEquals(1, res.locations().size());
        assertEquals(ref(res.locations().get(0)), res.encounter().getLocationFirstRep().getLocation().getReference());
    }

    @Test
    void a23IsEnteredInError() throws Exception {
        assertEquals(Encounter.EncounterStatus.ENTEREDINERROR, map("A23").encounter().getStatus());
    }

    @Test
    void statusesOfOtherFixtures() throws Exception {
        assertEquals(Encounter.EncounterStatus.PLANNED, map("A05").encounter().getStatus());
        assertEquals(Encounter.EncounterStatus.CANCELLED, map("A38").encounter().getStatus());
        assertEquals(Encounter.EncounterStatus.ONLEAVE, map("A21").encounter().getStatus());
        assertEquals(Encounter.EncounterStatus.INPROGRESS, map("A22").encounter().getStatus());
        assertEquals(Encounter.EncounterStatus.INPROGRESS, map("A13").encounter().getStatus());
        // A08 without PV1-44/45: derived → planned
        assertEquals(Encounter.EncounterStatus.PLANNED, map("A08").encounter().getStatus());
        // A35 (merge) with PV1-45: derived → finished
        assertEquals(Encounter.EncounterStatus.FINISHED, map("A35").encounter().getStatus());
        // classes: DAYCASE → SS, unknown PV1-2 → NullFlavor UNK, EMERGENCY → EMER
        assertEquals("SS", map("A38").encounter().getClass_().getCode());
        assertEquals("IMP", map("A12").encounter().getClass_().getCode()); // DAYCASE there is PV1-18, not PV1-2
        Coding unknown = map("A05").encounter().getClass_();
        assertEquals("http://terminology.hl7.org/CodeSystem/v3-NullFlavor", unknown.getSystem());
        assertEquals("UNK", unknown.getCode());
        assertEquals("EMER", map("A04").encounter().getClass_().getCode());
    }

    @Test
    void a34MergeHasPreviousIdentifiers() throws Exception {
        AdtFhirResources res = map("A34");
        assertEquals(1, res.previousPatientIdentifiers().size());
        Identifier previous = res.previousPatientIdentifiers().get(0);
        assertEquals(MRN, previous.getSystem());
        assertEquals("90532399", previous.getValue());
        assertEquals(Identifier.IdentifierUse.USUAL, previous.getUse());
        assertEquals("90532398", identifier(res.patient().getIdentifier(), MRN).getValue());
        assertNull(res.encounter());
        assertTrue(res.locations().isEmpty());
    }

    @Test
    void nonMergeWithMrgHasNoPreviousIdentifiers() throws Exception {
        assertTrue(map("A44").previousPatientIdentifiers().isEmpty());
        assertTrue(map("A35").previousPatientIdentifiers().isEmpty()); // MRG-1 empty
    }

    @Test
    void a28WithoutPv1HasNoEncounterNorLocations() throws Exception {
        AdtFhirResources res = map("A28");
        assertNull(res.encounter());
        assertTrue(res.locations().isEmpty());
        assertEquals("90462627", identifier(res.patient().getIdentifier(), MRN).getValue());
        assertNull(identifier(res.patient().getIdentifier(), NHS));
    }

    // ------------------------------------------------------------------ inline messages

    @Test
    void pid30YesWithoutDateOfDeathIsDeceasedBoolean() throws Exception {
        AdtFhirResources res = MAPPER.map(message("A08", pid(30, "Y")));
        assertTrue(res.patient().getDeceasedBooleanType().getValue());
        assertValid(res, "PID-30 Y");
        AdtFhirResources no = MAPPER.map(message("A08", pid(30, "N")));
        assertFalse(no.patient().getDeceasedBooleanType().getValue());
        assertFalse(MAPPER.map(message("A08", pid())).patient().hasDeceased());
    }

    @Test
    void pid29IsDeceasedDateTime() throws Exception {
        AdtFhirResources res = MAPPER.map(message("A08", pid(29, "20240715083000", 30, "Y")));
        assertEquals("2024-07-15T08:30:00+01:00", res.patient().getDeceasedDateTimeType().getValueAsString());
        assertValid(res, "PID-29");
        AdtFhirResources dateOnly = MAPPER.map(message("A08", pid(29, "20240115")));
        assertEquals("2024-01-15", dateOnly.patient().getDeceasedDateTimeType().getValueAsString());
        assertEquals(TemporalPrecisionEnum.DAY, dateOnly.patient().getDeceasedDateTimeType().getPrecision());
        AdtFhirResources winter = MAPPER.map(message("A08", pid(29, "202401150830")));
        assertEquals("2024-01-15T08:30:00Z", winter.patient().getDeceasedDateTimeType().getValueAsString());
        AdtFhirResources offset = MAPPER.map(message("A08", pid(29, "20240715083000.25-0500")));
        assertEquals("2024-07-15T08:30:00.250-05:00", offset.patient().getDeceasedDateTimeType().getValueAsString());
        assertValid(offset, "PID-29 offset");
    }

    @ParameterizedTest(name = "PID-8 {0} → {1}")
    @CsvSource({"M, MALE", "1, MALE", "m, MALE", "F, FEMALE", "2, FEMALE", "O, OTHER", "3, OTHER", "U, UNKNOWN",
            "A, UNKNOWN", "N, UNKNOWN", "4, UNKNOWN", "I, UNKNOWN", "X, UNKNOWN"})
    void genderTable(String pid8, AdministrativeGender expected) throws Exception {
        assertEquals(expected, MAPPER.map(message("A08", pid(8, pid8))).patient().getGender());
    }

    @Test
    void absentGenderIsUnset() throws Exception {
        assertFalse(MAPPER.map(message("A08", pid(8, ""))).patient().hasGender());
        assertFalse(MAPPER.map(message("A08", pid(8, "\"\""))).patient().hasGender());
    }

    @Test
    void birthDatePrecision() throws Exception {
        Patient year = MAPPER.map(message("A08", pid(7, "1980"))).patient();
        assertEquals("1980", year.getBirthDateElement().getValueAsString());
        assertEquals(TemporalPrecisionEnum.YEAR, year.getBirthDateElement().getPrecision());
        Patient month = MAPPER.map(message("A08", pid(7, "198002"))).patient();
        assertEquals("1980-02", month.getBirthDateElement().getValueAsString());
        assertEquals(TemporalPrecisionEnum.MONTH, month.getBirthDateElement().getPrecision());
        assertFalse(MAPPER.map(message("A08", pid(7, ""))).patient().hasBirthDate());
        assertValid(MAPPER.map(message("A08", pid(7, "198002"))), "YYYYMM birth date");
    }

    @Test
    void nameParts() throws Exception {
        Patient p = MAPPER.map(message("A08", pid())).patient();
        assertEquals("DOE", p.getNameFirstRep().getFamily());
        assertEquals("JANE ANN", p.getNameFirstRep().getGivenAsSingleString());
        assertEquals("DR", p.getNameFirstRep().getPrefixAsSingleString());
        assertFalse(MAPPER.map(message("A08", pid(5, ""))).patient().hasName());
        assertFalse(MAPPER.map(message("A08", pid(5, "^^^^MR"))).patient().hasName());
    }

    @Test
    void pid11AddressesFromAFixture() throws Exception {
        // A11: 666 Special Way^Downton^^^ZZ1 1ZZ^UK^HOME^Goodplaceshire
        Patient p = map("A11").patient();
        assertEquals(1, p.getAddress().size());
        Address a = p.getAddressFirstRep();
        assertEquals(List.of("666 Special Way", "Downton"), a.getLine().stream().map(Object::toString).toList());
        assertFalse(a.hasCity());
        assertFalse(a.hasState());
        assertEquals("ZZ1 1ZZ", a.getPostalCode());
        assertEquals("UK", a.getCountry());
        assertEquals(Address.AddressUse.HOME, a.getUse());
    }

    @Test
    void pid11EveryRepetitionWithUseAndNoEmptyParts() throws Exception {
        AdtFhirResources res = MAPPER.map(message("A28", pid(11,
                "1 High St^Flat 2^OXFORD^OXON^OX1 1AA^GBR^H^^Oxfordshire"
                        + "~2 Work Rd^^LEEDS^^LS1 1AA^^B"
                        + "~^^^\"\"^^^C"
                        + "~3 Post Box^^YORK^^^^M"
                        + "~  ^^BATH^^^^O"
                        + "~4 Old Lane^^^^^^BA"
                        + "~5 Birth St^^^^^^N")));
        List<Address> as = res.patient().getAddress();
        assertEquals(6, as.size(), "the empty repetition is left out");
        Address home = as.get(0);
        assertEquals(List.of("1 High St", "Flat 2"), home.getLine().stream().map(Object::toString).toList());
        assertEquals("OXFORD", home.getCity());
        assertEquals("OXON", home.getState());
        assertEquals("OX1 1AA", home.getPostalCode());
        assertEquals("GBR", home.getCountry());
        assertEquals("Oxfordshire", home.getDistrict());
        assertEquals(Address.AddressUse.HOME, home.getUse());
        assertEquals(Address.AddressUse.WORK, as.get(1).getUse());
        assertFalse(as.get(1).hasCountry());
        assertEquals(Address.AddressType.POSTAL, as.get(2).getType());
        assertFalse(as.get(2).hasUse());
        assertFalse(as.get(3).hasLine(), "a blank line is left out");
        assertEquals(Address.AddressUse.WORK, as.get(3).getUse());
        assertEquals(Address.AddressUse.OLD, as.get(4).getUse());
        assertFalse(as.get(5).hasUse());
        assertValid(res, "PID-11");
        assertFalse(MAPPER.map(message("A28", pid())).patient().hasAddress());
        assertFalse(MAPPER.map(message("A28", pid(11, "^^^^^^H~\"\""))).patient().hasAddress());
    }

    static String telecom(ContactPoint t) {
        return t.getSystem().toCode() + "|" + t.getUse().toCode() + "|" + t.getValue();
    }

    @Test
    void pid13TelecomsFromAFixture() throws Exception {
        // A11: 415399^HP^Telephone~555555555555^MOB^Cellular Phone
        assertEquals(List.of("phone|home|415399", "phone|mobile|555555555555"),
                map("A11").patient().getTelecom().stream().map(AdtToFhirMapperTest::telecom).toList());
    }

    @Test
    void pid13HomeAndPid14BusinessTelecoms() throws Exception {
        AdtFhirResources res = MAPPER.map(message("A28", pid(
                13, "01865 111111^PRN^PH~^NET^Internet^jane@example.org~07700 900000^PRN^CP~^PRN^PH^^44^1865^222222^9"
                        + "~^^^~  ^PRN^PH~01865 111111^PRN^PH~^^^x@example.org~old^PRN^PH^^^^^^^^^01865333333",
                14, "01865 444444^WPN^PH~01865 555555^WPN^FX~12345^WPN^BP")));
        assertEquals(List.of("phone|home|01865 111111", "email|home|jane@example.org", "phone|mobile|07700 900000",
                "phone|home|+44 1865 222222 ext. 9", "email|home|x@example.org", "phone|home|01865333333",
                "phone|work|01865 444444", "fax|work|01865 555555", "pager|work|12345"),
                res.patient().getTelecom().stream().map(AdtToFhirMapperTest::telecom).toList());
        assertValid(res, "PID-13/14");
        assertFalse(MAPPER.map(message("A28", pid())).patient().hasTelecom());
        assertFalse(MAPPER.map(message("A28", pid(13, "^PRN^PH~\"\"", 14, "^WPN"))).patient().hasTelecom());
        // without XTN.2/3: the field's use
        assertEquals(List.of("phone|home|1", "phone|work|2"), MAPPER.map(message("A28", pid(13, "1", 14, "2")))
                .patient().getTelecom().stream().map(AdtToFhirMapperTest::telecom).toList());
    }

    static String name(HumanName n) {
        return (n.hasUse() ? n.getUse().toCode() : "-") + "|" + n.getFamily() + "|" + n.getGivenAsSingleString()
                + "|" + n.getPrefixAsSingleString() + "|" + n.getSuffixAsSingleString();
    }

    @Test
    void pid5RepetitionsAreMoreNames() throws Exception {
        AdtFhirResources res = MAPPER.map(message("A28", pid(5, "DOE^JANE^ANN^^DR^^L"
                + "~SMITH^JANE^^^MRS^^M~DOE^JJ^^^^^N~ROE^JANE^^JR^^^A~DOE^JANE^ANN^^DR^^L~^^^^MS^^A~BLOGGS^JO^^^^^ZZ"
                + "~DOE^JAYNE^^^^^BAD~ALIAS^^^^^^D")));
        assertEquals(List.of("official|DOE|JANE ANN|DR|", "maiden|SMITH|JANE|MRS|", "nickname|DOE|JJ||",
                "usual|ROE|JANE||JR", "-|BLOGGS|JO||", "old|DOE|JAYNE||", "usual|ALIAS|||"),
                res.patient().getName().stream().map(AdtToFhirMapperTest::name).toList(),
                "the repeat and the repetition without a name are left out");
        assertValid(res, "PID-5 repetitions");
        // the first repetition is official unless XPN-7 says otherwise; fixtures' CURRENT is no FHIR use
        assertEquals(List.of("official|ZZZTHISISBRANDNEW|ZZZTEST|MRS|"), map("A08").patient().getName().stream()
                .map(AdtToFhirMapperTest::name).toList());
        assertEquals(HumanName.NameUse.USUAL, MAPPER.map(message("A28", pid(5, "DOE^JANE^^^^^D"))).patient()
                .getNameFirstRep().getUse());
    }

    @Test
    void nhsNumberIsPrimaryWithoutMrn() throws Exception {
        Patient p = MAPPER.map(message("A08", pid(3, "9434765919^^^NHSNBR^NHSNMBR~777^^^X^OTHER"))).patient();
        assertEquals(1, p.getIdentifier().size());
        assertEquals(AdtToFhirMapper.patientId(new Identifier().setSystem(NHS).setValue("9434765919")),
                p.getIdElement().getIdPart());
    }

    @Test
    void emergencyClassAndNoVisitNumber() throws Exception {
        AdtFhirResources emer = MAPPER.map(message("A04", pid(),
                seg("PV1", 1, "1", 2, "E", 3, "ED^^^SITE", 19, "V123", 44, "20240102030000")));
        assertEquals("EMER", emer.encounter().getClass_().getCode());
        assertEquals("emergency", emer.encounter().getClass_().getDisplay());
        assertValid(emer, "PV1-2 E");

        AdtFhirResources noVisit = MAPPER.map(message("A04", pid(),
                seg("PV1", 1, "1", 2, "E", 3, "ED^^^SITE", 44, "20240102030000")));
        assertNull(noVisit.encounter());
        assertEquals(1, noVisit.locations().size());
    }

    @ParameterizedTest(name = "PV1-2 {0} → {1}")
    @CsvSource({"I, IMP", "inpatient, IMP", "B, IMP", "O, AMB", "OUTPATIENT, AMB", "R, AMB", "E, EMER",
            "P, PRENC", "PREADMIT, PRENC", "DAYCASE, SS", "DAY CASE, SS", "WAITLIST, UNK", "'', UNK"})
    void classTable(String pv12, String code) throws Exception {
        Encounter e = MAPPER.map(message("A08", pid(), seg("PV1", 1, "1", 2, pv12, 19, "V1"))).encounter();
        assertEquals(code, e.getClass_().getCode());
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"A05, PLANNED", "A14, PLANNED", "A11, CANCELLED", "A27, CANCELLED", "A38, CANCELLED",
            "A23, ENTEREDINERROR", "A03, FINISHED", "A01, INPROGRESS", "A02, INPROGRESS", "A06, INPROGRESS",
            "A07, INPROGRESS", "A12, INPROGRESS", "A13, INPROGRESS", "A44, INPROGRESS", "A21, ONLEAVE",
            "A22, INPROGRESS", "A08, FINISHED", "A31, FINISHED"})
    void statusTable(String trigger, Encounter.EncounterStatus expected) throws Exception {
        Encounter e = MAPPER.map(message(trigger, pid(),
                seg("PV1", 1, "1", 2, "I", 19, "V1", 44, "20240101100000", 45, "20240102100000"))).encounter();
        assertEquals(expected, e.getStatus());
    }

    @Test
    void derivedStatusWithoutDischarge() throws Exception {
        assertEquals(Encounter.EncounterStatus.INPROGRESS, MAPPER.map(message("A08", pid(),
                seg("PV1", 1, "1", 19, "V1", 44, "20240101100000"))).encounter().getStatus());
        assertEquals(Encounter.EncounterStatus.PLANNED, MAPPER.map(message("A40", pid(),
                seg("MRG", 1, "999^^^NOC-MRN^MRN"), seg("PV1", 1, "1", 19, "V1"))).encounter().getStatus());
    }

    @Test
    void a03WithoutDischargeTimeHasNoEnd() throws Exception {
        Encounter e = MAPPER.map(message("A03", pid(), seg("PV1", 1, "1", 19, "V1", 44, "20240101100000")))
                .encounter();
        assertEquals(Encounter.EncounterStatus.FINISHED, e.getStatus());
        assertFalse(e.getPeriod().hasEnd());
    }

    @Test
    void a13CancelDischargeHasNoPeriodEnd() throws Exception {
        AdtFhirResources res = MAPPER.map(message("A13", pid(),
                seg("PV1", 1, "1", 2, "I", 3, "W1^B2^C3", 19, "V1", 44, "20240101100000", 45, "20240102100000")));
        assertEquals(Encounter.EncounterStatus.INPROGRESS, res.encounter().getStatus());
        assertEquals("2024-01-01T10:00:00Z", res.encounter().getPeriod().getStartElement().getValueAsString());
        assertFalse(res.encounter().getPeriod().hasEnd());
        assertValid(res, "A13");
    }

    @Test
    void mergeA40TakesNhsAndMrnFromMrg() throws Exception {
        AdtFhirResources res = MAPPER.map(message("A40", pid(),
                seg("MRG", 1, "111^^^NOC-MRN^MRN~9999999999^^^NHSNBR^NHSNMBR~5^^^X^OTHER")));
        assertEquals(2, res.previousPatientIdentifiers().size());
        assertEquals("9999999999", identifier(res.previousPatientIdentifiers(), NHS).getValue());
        assertEquals(Identifier.IdentifierUse.OFFICIAL, identifier(res.previousPatientIdentifiers(), NHS).getUse());
        assertEquals("111", identifier(res.previousPatientIdentifiers(), MRN).getValue());
    }

    @Test
    void bedWithoutBayHangsOffTheWard() throws Exception {
        AdtFhirResources res = MAPPER.map(message("A02", pid(),
                seg("PV1", 1, "1", 2, "I", 3, "W1^^Bed 9", 6, "W1^Bay 1^Bed 2", 19, "V1", 44, "20240101100000")));
        assertEquals(List.of("W1", "W1//Bed 9", "W1/Bay 1", "W1/Bay 1/Bed 2"),
                res.locations().stream().map(l -> l.getIdentifierFirstRep().getValue()).toList());
        Location bed = location(res, "W1//Bed 9");
        assertEquals(ref(location(res, "W1")), bed.getPartOf().getReference());
        assertEquals("Bed 9", bed.getName());
        List<Encounter.EncounterLocationComponent> locs = res.encounter().getLocation();
        assertEquals(ref(bed), locs.get(0).getLocation().getReference());
        assertEquals(ref(location(res, "W1/Bay 1/Bed 2")), locs.get(1).getLocation().getReference());
        assertEquals(Encounter.EncounterLocationStatus.COMPLETED, locs.get(1).getStatus());
        assertValid(res, "bed without bay");
    }

    @Test
    void noPv1MeansNoEncounterNorLocations() throws Exception {
        AdtFhirResources res = MAPPER.map(message("A31", pid()));
        assertNull(res.encounter());
        assertTrue(res.locations().isEmpty());
        assertTrue(res.previousPatientIdentifiers().isEmpty());
    }

    @Test
    void referencesAreRelative() throws Exception {
        AdtFhirResources res = map("A01");
        Reference subject = res.encounter().getSubject();
        assertTrue(subject.getReference().startsWith("Patient/"));
        assertTrue(res.locations().get(1).getPartOf().getReference().startsWith("Location/"));
    }

    // ------------------------------------------------------------------ errors without PHI

    @Test
    void noIdentifierIsRejectedWithoutPhi() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MAPPER.map(message("A08", pid(3, "777^^^X^OTHER"))));
        assertEquals("message has no patient identifier", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MAPPER.map(message("A08", pid(3, ""))));
        IllegalArgumentException noPid = assertThrows(IllegalArgumentException.class,
                () -> MAPPER.map(message("A08", seg("PV1", 1, "1", 19, "V1"))));
        assertFalse(noPid.getMessage().isEmpty());
    }

    @Test
    void unreadableDatesAreRejectedWithoutTheValue() throws Exception {
        IllegalArgumentException dob = assertThrows(IllegalArgumentException.class,
                () -> MAPPER.map(message("A08", pid(7, "19801399"))));
        assertEquals("unreadable date in PID-7", dob.getMessage());
        IllegalArgumentException dod = assertThrows(IllegalArgumentException.class,
                () -> MAPPER.map(message("A08", pid(29, "notadate"))));
        assertEquals("unreadable date in PID-29", dod.getMessage());
        IllegalArgumentException admit = assertThrows(IllegalArgumentException.class,
                () -> MAPPER.map(message("A01", pid(), seg("PV1", 1, "1", 19, "V1", 44, "000000000000"))));
        assertEquals("unreadable date in PV1-44", admit.getMessage());
        IllegalArgumentException discharge = assertThrows(IllegalArgumentException.class,
                () -> MAPPER.map(message("A03", pid(), seg("PV1", 1, "1", 19, "V1", 45, "2024013"))));
        assertEquals("unreadable date in PV1-45", discharge.getMessage());
    }
}
