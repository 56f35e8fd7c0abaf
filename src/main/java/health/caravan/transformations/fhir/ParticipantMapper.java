package health.caravan.transformations.fhir;

import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.w3c.dom.Element;

/**
 * CDA participants (assignedAuthor / assignedEntity / organizations) → Practitioner, Organization, Device, each
 * de-duplicated within the bundle by its first identifier (same NPI twice → one Practitioner).
 */
final class ParticipantMapper {

    /**
     * assignedAuthor / assignedEntity → Practitioner (assignedPerson) or Device (assignedAuthoringDevice), or null
     * when there is nothing to say about the person.
     */
    Reference person(Element assigned, ConversionContext ctx) {
        if (assigned == null) {
            return null;
        }
        Element device = CdaXml.child(assigned, "assignedAuthoringDevice");
        if (device != null && CdaXml.child(assigned, "assignedPerson") == null) {
            return device(assigned, device, ctx);
        }
        Practitioner p = new Practitioner();
        for (Identifier id : CdaDataTypes.identifiers(CdaXml.children(assigned, "id"))) {
            p.addIdentifier(id);
        }
        Element person = CdaXml.child(assigned, "assignedPerson");
        for (Element pn : CdaXml.children(person, "name")) {
            HumanName n = CdaDataTypes.name(pn);
            if (n != null) {
                p.addName(n);
            }
        }
        for (Element ad : CdaXml.children(assigned, "addr")) {
            Address a = CdaDataTypes.address(ad);
            if (a != null) {
                p.addAddress(a);
            }
        }
        for (Element tel : CdaXml.children(assigned, "telecom")) {
            ContactPoint cp = CdaDataTypes.telecom(tel);
            if (cp != null) {
                p.addTelecom(cp);
            }
        }
        if (!p.hasIdentifier() && !p.hasName()) {
            return null;
        }
        String identity = identity(p.hasIdentifier() ? p.getIdentifierFirstRep() : null);
        Reference existing = ctx.shared("Practitioner", identity);
        if (existing != null) {
            return existing;
        }
        Reference ref = ctx.add(p, identity, assigned);
        ctx.share("Practitioner", identity, ref);
        return ref.copy();
    }

    private Reference device(Element assigned, Element device, ConversionContext ctx) {
        Device d = new Device();
        for (Identifier id : CdaDataTypes.identifiers(CdaXml.children(assigned, "id"))) {
            d.addIdentifier(id);
        }
        String model = CdaXml.text(CdaXml.child(device, "manufacturerModelName"));
        String software = CdaXml.text(CdaXml.child(device, "softwareName"));
        if (model != null) {
            d.addDeviceName().setName(model).setType(Device.DeviceNameType.MODELNAME);
        }
        if (software != null) {
            d.addDeviceName().setName(software).setType(Device.DeviceNameType.USERFRIENDLYNAME);
        }
        if (!d.hasIdentifier() && !d.hasDeviceName()) {
            return null;
        }
        String identity = identity(d.hasIdentifier() ? d.getIdentifierFirstRep() : null);
        Reference existing = ctx.shared("Device", identity);
        if (existing != null) {
            return existing;
        }
        Reference ref = ctx.add(d, identity, assigned);
        ctx.share("Device", identity, ref);
        return ref.copy();
    }

    /** An organization element (representedOrganization, providerOrganization, ...) → Organization, or null. */
    Reference organization(Element org, ConversionContext ctx) {
        if (org == null) {
            return null;
        }
        Organization o = new Organization();
        for (Identifier id : CdaDataTypes.identifiers(CdaXml.children(org, "id"))) {
            o.addIdentifier(id);
        }
        for (Element n : CdaXml.children(org, "name")) {
            String name = CdaXml.hasNullFlavor(n) ? null : CdaXml.text(n);
            if (name != null) {
                if (o.hasName()) {
                    o.addAlias(name);
                } else {
                    o.setName(name);
                }
            }
        }
        if (!o.hasIdentifier() && !o.hasName()) {
            return null; // org-1: an Organization needs a name or an identifier
        }
        // org-2 / org-3: an organization's address and telecom can never be of use "home" (a vendor's HP): the use
        // is left out, the address or number kept. A telecom without a value is left out (CdaDataTypes.telecom).
        for (Element tel : CdaXml.children(org, "telecom")) {
            ContactPoint cp = CdaDataTypes.telecom(tel);
            if (cp != null) {
                if (cp.getUse() == ContactPoint.ContactPointUse.HOME) {
                    cp.setUseElement(null);
                }
                o.addTelecom(cp);
            }
        }
        for (Element ad : CdaXml.children(org, "addr")) {
            Address a = CdaDataTypes.address(ad);
            if (a != null) {
                if (a.getUse() == Address.AddressUse.HOME) {
                    a.setUseElement(null);
                }
                o.addAddress(a);
            }
        }
        String identity = o.hasIdentifier() ? identity(o.getIdentifierFirstRep()) : "name|" + o.getName();
        Reference existing = ctx.shared("Organization", identity);
        if (existing != null) {
            return existing;
        }
        Reference ref = ctx.add(o, identity, org);
        ctx.share("Organization", identity, ref);
        return ref.copy();
    }

    /**
     * Links an author to the organization it represents, so that the Organization is reachable from the Composition
     * (a document Bundle may hold no orphan): a Practitioner gets a PractitionerRole (practitioner + organization,
     * one per pair), a Device without an owner gets the organization as owner.
     */
    void affiliate(Reference who, Reference org, ConversionContext ctx) {
        if (who == null || org == null) {
            return;
        }
        org.hl7.fhir.r4.model.Resource r = ctx.resolve(who);
        if (r instanceof Device d) {
            if (!d.hasOwner()) {
                d.setOwner(org.copy());
            }
            return;
        }
        if (!(r instanceof Practitioner)) {
            return;
        }
        String pair = who.getReference() + "|" + org.getReference();
        if (ctx.shared("PractitionerRole", pair) != null) {
            return;
        }
        PractitionerRole role = new PractitionerRole();
        role.setPractitioner(who.copy());
        role.setOrganization(org.copy());
        Reference ref = ctx.add(role, pair, null);
        ctx.share("PractitionerRole", pair, ref);
    }

    private static String identity(Identifier id) {
        return CdaDataTypes.identity(id);
    }
}
