package health.caravan.fhir;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

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
 * Patient by its MRN, else its NHS number (see {@link #match}; an NHS number already on a Patient with another
 * MRN follows {@link IdentityConflictPolicy}), keeping every stored identifier — its Encounter, the
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
    private final IdentityConflictPolicy identityConflict;
    private volatile long projected;
    private volatile long identityConflicts;

    /** @param push null when no external FHIR server is configured */
    public FhirProjector(FhirStore store, FhirProjectionQueue queue, FhirPushQueue push, AdtToFhirMapper mapper,
                         FhirContext fhir, IdentityConflictPolicy identityConflict) {
        this.store = store;
        this.queue = queue;
        this.push = push;
        this.mapper = mapper;
        this.fhir = fhir;
        this.identityConflict = identityConflict;
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
                if (e instanceof IdentityConflict) {
                    identityConflicts++;
                }
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

    /** Identity conflicts met (recorded, merged by policy, or a message set aside as ambiguous). */
    public long identityConflictCount() {
        return identityConflicts;
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
                List<String> conflicts = new ArrayList<>();
                Optional<String> mergeSource = otherId(c, mapped.previousPatientIdentifiers(), null);
                Match match = match(c, patient, mergeSource);
                String patientId = match.id() != null ? match.id() : newId();
                patient.setId(patientId);
                if (match.conflict() != null) {
                    conflicts.add(match.conflict() + (match.id() == null ? " new Patient " + patientId : ""));
                }
                Optional<Resource> current = store.current(c, "Patient", patientId);
                if (current.isPresent() && keepWhatTheMessageDoesNotSay((Patient) current.get(), patient)) {
                    conflicts.add("Patient " + patientId + " (matched by MRN) had another NHS number: the message's is now"
                            + " official, the previous one is kept with use 'old'");
                }
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
                for (String conflict : conflicts) {
                    identityConflicts++;
                    LOG.warn("ADT message {}: patient identity conflict: {}", item.messageUuid(), conflict);
                }
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
     * links, and every stored identifier, in its place (so the first MRN, the push's key, stays first); the
     * message's new ones are added after them. A stored NHS number (any identifier not {@code usual}) of a
     * system for which the message carries another value is kept with use {@code old}: still searchable, no
     * longer current. MRNs ({@code usual}) are all kept as they are.
     *
     * @return whether a stored identifier became {@code old} (the MRN's Patient had another NHS number)
     */
    private static boolean keepWhatTheMessageDoesNotSay(Patient stored, Patient update) {
        List<Identifier> message = update.getIdentifier();
        List<Identifier> kept = new ArrayList<>();
        boolean demoted = false;
        for (Identifier s : stored.getIdentifier()) {
            Optional<Identifier> same = message.stream().filter(m -> same(m, s)).findFirst();
            if (same.isPresent()) {
                kept.add(same.get().copy());
            } else if (s.getUse() != Identifier.IdentifierUse.USUAL && s.getUse() != Identifier.IdentifierUse.OLD
                    && message.stream().anyMatch(m -> Objects.equals(m.getSystem(), s.getSystem()))) {
                kept.add(s.copy().setUse(Identifier.IdentifierUse.OLD));
                demoted = true;
            } else {
                kept.add(s.copy());
            }
        }
        for (Identifier m : message) {
            if (kept.stream().noneMatch(k -> same(k, m))) {
                kept.add(m.copy());
            }
        }
        update.setIdentifier(kept);
        for (Patient.PatientLinkComponent link : stored.getLink()) {
            update.addLink(link.copy());
        }
        if (stored.hasActive() && !stored.getActive() && update.getLink().stream().anyMatch(
                l -> l.getType() == Patient.LinkType.REPLACEDBY)) {
            update.setActive(false);
        }
        return demoted;
    }

    private static boolean same(Identifier a, Identifier b) {
        return Objects.equals(a.getSystem(), b.getSystem()) && Objects.equals(a.getValue(), b.getValue());
    }

    /** The stored Patient a message's Patient is (null: a new one), and the identity conflict met, if any. */
    private record Match(String id, String conflict) {
    }

    /**
     * The stored Patient of a message's Patient. Its MRN ({@code usual}) decides first. Without a match by
     * MRN, the NHS number's active Patients (those merged away ignored, and the merge's own old Patient,
     * {@code mergeSource}, too): a message without an MRN takes the only one (several: the message is set
     * aside as ambiguous); a message with an MRN takes the only one that has no MRN of that system, and else,
     * when the NHS number is on Patients with another MRN, follows {@link IdentityConflictPolicy}.
     */
    private Match match(Connection c, Patient patient, Optional<String> mergeSource) throws SQLException {
        List<Identifier> mrns = patient.getIdentifier().stream()
                .filter(i -> i.getUse() == Identifier.IdentifierUse.USUAL).toList();
        for (Identifier mrn : mrns) {
            Optional<String> id = store.idByIdentifier(c, "Patient", mrn.getSystem(), mrn.getValue());
            if (id.isPresent()) {
                return new Match(id.get(), null);
            }
        }
        Optional<Identifier> national = patient.getIdentifier().stream()
                .filter(i -> i.getUse() != Identifier.IdentifierUse.USUAL).findFirst();
        if (national.isEmpty()) {
            return new Match(null, null);
        }
        if (mrns.isEmpty()) {
            List<String> holders = holders(c, national.get(), true, false, mergeSource);
            if (holders.isEmpty()) {
                holders = holders(c, national.get(), false, false, mergeSource);
            }
            if (holders.size() > 1) {
                throw new IdentityConflict("the NHS number is on several Patients and the message has no MRN to choose"
                        + " between them");
            }
            return new Match(holders.isEmpty() ? null : holders.get(0), null);
        }
        List<String> withoutMrn = holders(c, national.get(), true, true, mergeSource);
        if (withoutMrn.size() == 1) {
            return new Match(withoutMrn.get(0), null);
        }
        List<String> holders = holders(c, national.get(), true, false, mergeSource);
        if (holders.isEmpty()) {
            return new Match(null, null);
        }
        String onWhom = "its NHS number is on Patient" + (holders.size() > 1 ? "s " : " ") + String.join(", ", holders)
                + (holders.size() > 1 ? " …" : "") + " with another MRN";
        if (identityConflict == IdentityConflictPolicy.SEPARATE) {
            return new Match(null, onWhom + " (identity-conflict policy separate):");
        }
        if (holders.size() > 1) {
            throw new IdentityConflict("the NHS number is on several Patients with other MRNs (identity-conflict"
                    + " policy merge cannot choose one)");
        }
        return new Match(holders.get(0), onWhom + " (identity-conflict policy merge): the MRN is added to it");
    }

    /** Up to two Patients with this identifier, other than {@code exclude}. */
    private List<String> holders(Connection c, Identifier identifier, boolean activeOnly, boolean withoutMrn,
                                 Optional<String> exclude) throws SQLException {
        List<String> ids = new ArrayList<>(store.idsByIdentifier(c, "Patient", identifier.getSystem(),
                identifier.getValue(), activeOnly, withoutMrn, 3));
        exclude.ifPresent(ids::remove);
        return ids.size() > 2 ? ids.subList(0, 2) : ids;
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

    /** A stored Patient other than {@code survivorId} (null: any) with one of the merge's previous identifiers. */
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
    static class UnmappableMessage extends RuntimeException {
        UnmappableMessage(String reason) {
            super(reason);
        }
    }

    /** A message whose Patient cannot be told apart from several stored ones (set aside, counted as a conflict). */
    static final class IdentityConflict extends UnmappableMessage {
        IdentityConflict(String reason) {
            super("patient identity conflict: " + reason);
        }
    }

}
