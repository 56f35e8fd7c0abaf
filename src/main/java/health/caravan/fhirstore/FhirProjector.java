package health.caravan.fhirstore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import health.caravan.hl7.Hl7Text;
import health.caravan.hl7.NotHl7Exception;
import health.caravan.transformations.fhir.AdtFhirResources;
import health.caravan.transformations.fhir.AdtToFhirMapper;
import health.caravan.transformations.fhir.TransactionBundleBuilder;

/**
 * Accepted ADT messages → Caravan's FHIR store (and, when a FHIR server is configured, the push queue).
 * Each queued message is projected in one transaction: its Locations, its Patient — matched to the stored
 * Patient by any of its identifiers, so the id stays stable as identifiers are added — its Encounter, the
 * push Bundle, and the removal of the queue row. Merges (MRG) retire the old Patient ({@code active=false},
 * {@code replaced-by} link). A database failure is retried with back-off; a message that cannot be
 * mapped is set aside with the reason (no PHI) and logged by id.
 */
public final class FhirProjector {

    private static final Logger LOG = LoggerFactory.getLogger(FhirProjector.class);
    private static final long CLAIM_SECONDS = 60;
    /** Attempts before a message that keeps failing is set aside (it then no longer holds up the queue). */
    private static final int MAX_ATTEMPTS = 10;

    private final FhirStore store;
    private final FhirProjectionQueue queue;
    private final FhirPushQueue push;
    private final AdtToFhirMapper mapper;
    private final FhirContext fhir;
    private volatile long projected;

    /** @param push null when no external FHIR server is configured */
    public FhirProjector(FhirStore store, FhirProjectionQueue queue, FhirPushQueue push, AdtToFhirMapper mapper,
                         FhirContext fhir) {
        this.store = store;
        this.queue = queue;
        this.push = push;
        this.mapper = mapper;
        this.fhir = fhir;
    }

    /** Projects every due message this process can claim, in arrival order; returns how many. */
    public int runDue() throws SQLException {
        int done = 0;
        for (FhirProjectionQueue.Item item : queue.due(100)) {
            if (!queue.claim(item, CLAIM_SECONDS)) {
                break;
            }
            try {
                project(item);
                done++;
                projected++;
            } catch (UnmappableMessage e) {
                LOG.warn("ADT message {} not projected to FHIR: {}", item.messageUuid(), e.getMessage());
                queue.failed(item, e.getMessage(), FhirProjectionQueue.SET_ASIDE);
            } catch (SQLException | RuntimeException e) {
                String reason = e.getClass().getSimpleName()
                        + (e instanceof SQLException sql && sql.getSQLState() != null ? " " + sql.getSQLState() : "");
                if (item.attempts() + 1 >= MAX_ATTEMPTS || permanent(e)) {
                    LOG.error("ADT message {} FHIR projection failed ({}), set aside after {} attempt(s)",
                            item.messageUuid(), reason, item.attempts() + 1);
                    queue.failed(item, reason, FhirProjectionQueue.SET_ASIDE);
                } else {
                    long delay = Math.min(300, 1L << Math.min(8, item.attempts()));
                    LOG.warn("ADT message {} FHIR projection failed ({}), retry in {} s", item.messageUuid(), reason, delay);
                    queue.failed(item, reason, FhirProjectionQueue.now().plusSeconds(delay));
                }
                // later messages wait for this one (order matters for the same patient)
                break;
            }
        }
        return done;
    }

    public long projectedCount() {
        return projected;
    }

    private void project(FhirProjectionQueue.Item item) throws SQLException {
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                AdtFhirResources mapped = map(content(c, item.messageUuid()));
                Instant now = Instant.now();
                List<Resource> saved = new ArrayList<>();
                for (Location l : mapped.locations()) {
                    store.save(c, l, item.messageUuid(), now);
                    saved.add(l);
                }
                Patient patient = mapped.patient();
                String patientId = existingId(c, "Patient", patient.getIdentifier()).orElseGet(FhirProjector::newId);
                patient.setId(patientId);
                Optional<Resource> current = store.current(c, "Patient", patientId);
                current.ifPresent(previous -> keepWhatTheMessageDoesNotSay((Patient) previous, patient));
                Optional<String> retiredId = otherId(c, mapped.previousPatientIdentifiers(), patientId);
                if (retiredId.isPresent()) {
                    Patient retired = (Patient) store.current(c, "Patient", retiredId.get()).orElseThrow();
                    retired.setActive(false);
                    retired.getLink().clear();
                    retired.addLink().setType(Patient.LinkType.REPLACEDBY).setOther(new Reference("Patient/" + patientId));
                    patient.getLink().removeIf(l -> l.getOther().getReference().equals("Patient/" + retiredId.get()));
                    patient.addLink().setType(Patient.LinkType.REPLACES).setOther(new Reference("Patient/" + retiredId.get()));
                    store.save(c, retired, item.messageUuid(), now);
                    saved.add(retired);
                }
                store.save(c, patient, item.messageUuid(), now);
                saved.add(patient);
                Encounter encounter = mapped.encounter();
                if (encounter != null) {
                    encounter.setId(existingId(c, "Encounter", encounter.getIdentifier()).orElseGet(FhirProjector::newId));
                    encounter.setSubject(new Reference("Patient/" + patientId));
                    store.save(c, encounter, item.messageUuid(), now);
                    saved.add(encounter);
                }
                if (push != null) {
                    push.add(c, item.messageUuid(),
                            fhir.newJsonParser().encodeResourceToString(TransactionBundleBuilder.build(saved)));
                }
                queue.done(c, item);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private AdtFhirResources map(String content) {
        if (content == null) {
            throw new UnmappableMessage("the stored message has no content");
        }
        try {
            return mapper.map(Hl7Text.parse(content));
        } catch (NotHl7Exception e) {
            throw new UnmappableMessage("the stored message is not HL7 v2");
        } catch (IllegalArgumentException e) {
            throw new UnmappableMessage(e.getMessage());
        }
    }

    /**
     * An update from a message keeps what the stored Patient has and the message does not carry: merge
     * links, and identifiers of a system the message has none of.
     */
    private static void keepWhatTheMessageDoesNotSay(Patient stored, Patient update) {
        Set<String> systems = update.getIdentifier().stream().map(Identifier::getSystem).collect(Collectors.toSet());
        for (Identifier i : stored.getIdentifier()) {
            if (!systems.contains(i.getSystem())) {
                update.addIdentifier(i.copy());
            }
        }
        for (Patient.PatientLinkComponent link : stored.getLink()) {
            update.addLink(link.copy());
        }
        if (stored.hasActive() && !stored.getActive() && update.getLink().stream().anyMatch(
                l -> l.getType() == Patient.LinkType.REPLACEDBY)) {
            update.setActive(false);
        }
    }

    /**
     * The stored resource with one of these identifiers: the {@code usual} one (the MRN, the local key) is
     * looked up first, the others (the NHS number) only when it finds nothing.
     */
    private Optional<String> existingId(Connection c, String type, List<Identifier> identifiers) throws SQLException {
        for (Identifier i : usualFirst(identifiers)) {
            Optional<String> id = store.idByIdentifier(c, type, i.getSystem(), i.getValue());
            if (id.isPresent()) {
                return id;
            }
        }
        return Optional.empty();
    }

    /** A stored Patient other than {@code survivorId} with one of the merge's previous identifiers. */
    private Optional<String> otherId(Connection c, List<Identifier> identifiers, String survivorId) throws SQLException {
        for (Identifier i : usualFirst(identifiers)) {
            Optional<String> id = store.idByIdentifier(c, "Patient", i.getSystem(), i.getValue());
            if (id.isPresent() && !id.get().equals(survivorId)) {
                return id;
            }
        }
        return Optional.empty();
    }

    private static List<Identifier> usualFirst(List<Identifier> identifiers) {
        List<Identifier> ordered = new ArrayList<>(identifiers);
        ordered.sort(java.util.Comparator.comparing(i -> i.getUse() == Identifier.IdentifierUse.USUAL ? 0 : 1));
        return ordered;
    }

    /**
     * Ids of new Patients and Encounters are random, not derived from the NHS number, MRN or visit number
     * (a hash of an identifier could be reversed by trying every number); later messages find them by identifier.
     */
    private static String newId() {
        return UUID.randomUUID().toString();
    }

    /** Errors that another attempt cannot mend: data too long or otherwise refused by the database, bad FHIR. */
    private static boolean permanent(Exception e) {
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            return sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23") && !sql.getSQLState().equals("23505");
        }
        return e instanceof IllegalArgumentException || e instanceof ca.uhn.fhir.parser.DataFormatException;
    }

    private static String content(Connection c, String messageUuid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT content FROM hl7_message WHERE uuid = ?")) {
            ps.setString(1, messageUuid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** A message that can never become FHIR resources (the reason names no patient data). */
    static final class UnmappableMessage extends RuntimeException {
        UnmappableMessage(String reason) {
            super(reason);
        }
    }

}
