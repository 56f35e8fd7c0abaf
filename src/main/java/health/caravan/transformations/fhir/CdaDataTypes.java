package health.caravan.transformations.fhir;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.w3c.dom.Element;

/**
 * CDA data types (CD, II, PN, AD, TEL, PQ, IVL_PQ) → FHIR R4 data types. Every method returns null rather than an
 * empty element: FHIR forbids empty elements.
 */
final class CdaDataTypes {

    static final String DATA_ABSENT_REASON_URL = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

    private CdaDataTypes() {
    }

    // ---------------------------------------------------------------- codes

    private static Coding coding(Element cd) {
        String code = present(CdaXml.attr(cd, "code"));
        String system = present(CdaXml.attr(cd, "codeSystem"));
        if (code == null || system == null || CdaXml.hasNullFlavor(cd)) {
            return null;
        }
        Coding c = new Coding().setCode(code);
        String uri = CodeSystemUris.codeSystem(system);
        if (Hl7CodeSystems.isUnknown(uri, code)) {
            return null; // e.g. interpretation TEST: not in v3-ObservationInterpretation; concept() keeps it as text
        }
        if (uri != null) {
            c.setSystem(uri);
        } else {
            // not an OID, UUID, URI or known name: no system (an invalid urn:oid: is an error), the raw value kept
            c.getSystemElement().addExtension(originalText(system));
        }
        String display = CdaXml.attr(cd, "displayName");
        if (display != null) {
            c.setDisplay(display);
        }
        return c;
    }

    /** CD/CE/CV/CO → CodeableConcept (code + translations + originalText), or null when nothing usable. */
    static CodeableConcept concept(Element cd) {
        if (cd == null) {
            return null;
        }
        CodeableConcept cc = new CodeableConcept();
        Set<String> seen = new HashSet<>();
        addCoding(cc, coding(cd), seen);
        for (Element t : CdaXml.children(cd, "translation")) {
            addCoding(cc, coding(t), seen);
        }
        String text = CdaXml.text(CdaXml.child(cd, "originalText"));
        if (text != null) {
            cc.setText(text);
        } else if (!cc.hasCoding()) {
            String display = CdaXml.attr(cd, "displayName");
            String code = present(CdaXml.attr(cd, "code"));
            if (display != null) {
                cc.setText(display);
            } else if (code != null && Hl7CodeSystems.isUnknown(
                    CodeSystemUris.codeSystem(present(CdaXml.attr(cd, "codeSystem"))), code)) {
                cc.setText(code); // a code outside its HL7 code system: shown, not coded
            }
        }
        return cc.hasCoding() || cc.hasText() ? cc : null;
    }

    private static void addCoding(CodeableConcept cc, Coding c, Set<String> seen) {
        if (c != null && seen.add(c.getSystem() + "|" + c.getCode())) {
            cc.addCoding(c);
        }
    }

    /** A required CodeableConcept: the concept, or one carrying only a data-absent-reason extension. */
    static CodeableConcept requiredConcept(Element cd) {
        CodeableConcept cc = concept(cd);
        if (cc != null) {
            return cc;
        }
        CodeableConcept absent = new CodeableConcept();
        absent.addExtension(dataAbsentReason(cd == null ? null : CdaXml.attr(cd, "nullFlavor")));
        return absent;
    }

    /** The first coding's code when its system is the given URI. */
    static String code(CodeableConcept cc, String systemUri) {
        if (cc == null) {
            return null;
        }
        for (Coding c : cc.getCoding()) {
            if (systemUri.equals(c.getSystem())) {
                return c.getCode();
            }
        }
        return null;
    }

    static Coding fixedCoding(String system, String code, String display) {
        return new Coding(system, code, display);
    }

    static CodeableConcept fixedConcept(String system, String code, String display) {
        return new CodeableConcept(new Coding(system, code, display));
    }

    static final String ORIGINAL_TEXT_URL = "http://hl7.org/fhir/StructureDefinition/originalText";

    /** The core originalText extension: the source's raw value where FHIR has no valid place for it. */
    static Extension originalText(String raw) {
        return new Extension(ORIGINAL_TEXT_URL, new org.hl7.fhir.r4.model.StringType(raw));
    }

    /** An attribute value, or null when it is missing, blank or the literal "null" some vendors write. */
    static String present(String v) {
        return v == null || v.isBlank() || "null".equals(v) ? null : v;
    }

    /** nullFlavor → data-absent-reason extension. */
    static Extension dataAbsentReason(String nullFlavor) {
        return new Extension(DATA_ABSENT_REASON_URL, new CodeType(dataAbsentCode(nullFlavor)));
    }

    static CodeableConcept dataAbsentConcept(String nullFlavor) {
        String code = dataAbsentCode(nullFlavor);
        return fixedConcept(CodeSystemUris.DATA_ABSENT_REASON, code, null);
    }

    static String dataAbsentCode(String nullFlavor) {
        if (nullFlavor == null) {
            return "unknown";
        }
        return switch (nullFlavor) {
            case "ASKU" -> "asked-unknown";
            case "NAV" -> "temp-unknown";
            case "NASK" -> "not-asked";
            case "MSK" -> "masked";
            case "NA" -> "not-applicable";
            case "NINF" -> "negative-infinity";
            case "PINF" -> "positive-infinity";
            case "OTH" -> "unsupported";
            default -> "unknown";
        };
    }

    // ---------------------------------------------------------------- identifiers

    /**
     * II → Identifier: root+extension → system/value; root alone → urn:ietf:rfc:3986 + the root as URI. A root that
     * is no OID, UUID or URI (e.g. {@code MMD}, {@code VITD<guid>}) gives no system; the raw root is kept in an
     * originalText extension on system (with an extension, the value is the extension; alone, the value is the root).
     */
    static Identifier identifier(Element ii) {
        if (ii == null || CdaXml.hasNullFlavor(ii)) {
            return null;
        }
        String root = present(CdaXml.attr(ii, "root"));
        String extension = present(CdaXml.attr(ii, "extension"));
        if (root == null) {
            return extension == null ? null : new Identifier().setValue(extension);
        }
        if (extension == null) {
            String uri = CodeSystemUris.generic(root);
            if (uri != null) {
                return new Identifier().setSystem("urn:ietf:rfc:3986").setValue(uri);
            }
            return new Identifier().setValue(root);
        }
        String system = CodeSystemUris.identifierSystem(root);
        Identifier id = new Identifier().setValue(extension);
        if (system != null) {
            id.setSystem(system);
        } else {
            id.getSystemElement().addExtension(originalText(root));
        }
        return id;
    }

    /** system|value of an Identifier, the raw root standing in for a system FHIR could not take; null for null. */
    static String identity(Identifier id) {
        if (id == null) {
            return null;
        }
        String system = id.getSystem();
        if (system == null && id.getSystemElement().hasExtension(ORIGINAL_TEXT_URL)) {
            system = "raw:" + id.getSystemElement().getExtensionByUrl(ORIGINAL_TEXT_URL).getValue().primitiveValue();
        }
        return system + "|" + id.getValue();
    }

    static List<Identifier> identifiers(List<Element> ids) {
        List<Identifier> out = new ArrayList<>();
        for (Element id : ids) {
            Identifier i = identifier(id);
            if (i != null) {
                out.add(i);
            }
        }
        return out;
    }

    /** A stable key for an II (root|extension), or null. */
    static String key(Element ii) {
        if (ii == null || CdaXml.hasNullFlavor(ii)) {
            return null;
        }
        String root = CdaXml.attr(ii, "root");
        String extension = CdaXml.attr(ii, "extension");
        if (root == null && extension == null) {
            return null;
        }
        return (root == null ? "" : root) + "|" + (extension == null ? "" : extension);
    }

    // ---------------------------------------------------------------- names, addresses, telecoms

    static HumanName name(Element pn) {
        if (pn == null || CdaXml.hasNullFlavor(pn)) {
            return null;
        }
        HumanName name = new HumanName();
        boolean parts = false;
        for (Element e : CdaXml.elements(pn)) {
            String v = CdaXml.text(e);
            if (v == null || CdaXml.hasNullFlavor(e)) {
                continue;
            }
            switch (e.getLocalName()) {
                case "given" -> {
                    name.addGiven(v);
                    parts = true;
                }
                case "family" -> {
                    name.setFamily(name.hasFamily() ? name.getFamily() + " " + v : v);
                    parts = true;
                }
                case "prefix" -> {
                    name.addPrefix(v);
                    parts = true;
                }
                case "suffix" -> {
                    name.addSuffix(v);
                    parts = true;
                }
                default -> {
                }
            }
        }
        if (!parts) {
            String text = CdaXml.text(pn);
            if (text == null) {
                return null;
            }
            name.setText(text);
        }
        String use = firstToken(CdaXml.attr(pn, "use"));
        if (use != null) {
            switch (use) {
                case "L", "OR" -> name.setUse(HumanName.NameUse.OFFICIAL);
                case "P", "A" -> name.setUse(HumanName.NameUse.NICKNAME);
                case "ASGN", "C" -> name.setUse(HumanName.NameUse.USUAL);
                case "ANON" -> name.setUse(HumanName.NameUse.ANONYMOUS);
                case "M" -> name.setUse(HumanName.NameUse.MAIDEN);
                default -> {
                }
            }
        }
        Period valid = Hl7Timestamps.period(CdaXml.child(pn, "validTime"));
        if (valid != null) {
            name.setPeriod(valid);
        }
        return name;
    }

    static Address address(Element ad) {
        if (ad == null || CdaXml.hasNullFlavor(ad)) {
            return null;
        }
        Address a = new Address();
        for (Element e : CdaXml.elements(ad)) {
            String v = CdaXml.text(e);
            if (v == null || CdaXml.hasNullFlavor(e)) {
                continue;
            }
            switch (e.getLocalName()) {
                case "streetAddressLine", "houseNumber", "streetName" -> a.addLine(v);
                case "city" -> a.setCity(v);
                case "state" -> a.setState(v);
                case "postalCode" -> a.setPostalCode(v);
                case "country" -> a.setCountry(v);
                case "county" -> a.setDistrict(v);
                default -> {
                }
            }
        }
        if (!a.hasLine() && !a.hasCity() && !a.hasState() && !a.hasPostalCode() && !a.hasCountry() && !a.hasDistrict()) {
            String text = CdaXml.text(ad);
            if (text == null) {
                return null;
            }
            a.setText(text);
        }
        String use = firstToken(CdaXml.attr(ad, "use"));
        if (use != null) {
            switch (use) {
                case "H", "HP", "HV" -> a.setUse(Address.AddressUse.HOME);
                case "WP", "DIR", "PUB" -> a.setUse(Address.AddressUse.WORK);
                case "TMP" -> a.setUse(Address.AddressUse.TEMP);
                case "OLD", "BAD" -> a.setUse(Address.AddressUse.OLD);
                default -> {
                }
            }
        }
        Period useable = Hl7Timestamps.period(CdaXml.child(ad, "useablePeriod"));
        if (useable != null) {
            a.setPeriod(useable);
        }
        return a;
    }

    static ContactPoint telecom(Element tel) {
        if (tel == null || CdaXml.hasNullFlavor(tel)) {
            return null;
        }
        String value = CdaXml.attr(tel, "value");
        if (value == null) {
            return null;
        }
        ContactPoint cp = new ContactPoint();
        String lower = value.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("tel:")) {
            cp.setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(value.substring(4).trim());
        } else if (lower.startsWith("mailto:")) {
            cp.setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(value.substring(7).trim());
        } else if (lower.startsWith("fax:")) {
            cp.setSystem(ContactPoint.ContactPointSystem.FAX).setValue(value.substring(4).trim());
        } else if (lower.startsWith("http:") || lower.startsWith("https:")) {
            cp.setSystem(ContactPoint.ContactPointSystem.URL).setValue(value);
        } else {
            cp.setSystem(ContactPoint.ContactPointSystem.OTHER).setValue(value);
        }
        if (!cp.hasValue()) {
            return null;
        }
        String use = firstToken(CdaXml.attr(tel, "use"));
        if (use != null) {
            switch (use) {
                case "H", "HP", "HV" -> cp.setUse(ContactPoint.ContactPointUse.HOME);
                case "WP", "DIR", "PUB" -> cp.setUse(ContactPoint.ContactPointUse.WORK);
                case "MC", "PG" -> cp.setUse(ContactPoint.ContactPointUse.MOBILE);
                case "TMP" -> cp.setUse(ContactPoint.ContactPointUse.TEMP);
                case "BAD", "OLD" -> cp.setUse(ContactPoint.ContactPointUse.OLD);
                default -> {
                }
            }
        }
        return cp;
    }

    private static String firstToken(String s) {
        if (s == null) {
            return null;
        }
        int space = s.indexOf(' ');
        return space < 0 ? s : s.substring(0, space);
    }

    // ---------------------------------------------------------------- quantities

    private static BigDecimal decimal(String v) {
        if (v == null) {
            return null;
        }
        try {
            return new BigDecimal(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** PQ → Quantity (UCUM system/code only when the unit is valid UCUM), or null without a numeric value. */
    static Quantity quantity(Element pq) {
        return fill(new Quantity(), pq);
    }

    static SimpleQuantity simpleQuantity(Element pq) {
        return (SimpleQuantity) fill(new SimpleQuantity(), pq);
    }

    private static Quantity fill(Quantity q, Element pq) {
        if (pq == null || CdaXml.hasNullFlavor(pq)) {
            return null;
        }
        BigDecimal value = decimal(CdaXml.attr(pq, "value"));
        if (value == null) {
            return null;
        }
        q.setValue(value);
        String unit = CdaXml.attr(pq, "unit");
        if (unit != null) {
            q.setUnit(unit);
            if (UcumUnits.isValid(unit)) {
                q.setSystem(CodeSystemUris.UCUM).setCode(unit);
            }
        }
        return q;
    }

    /** IVL_PQ → Range (low/high), or null. */
    static Range range(Element ivl) {
        if (ivl == null || CdaXml.hasNullFlavor(ivl)) {
            return null;
        }
        SimpleQuantity low = simpleQuantity(CdaXml.child(ivl, "low"));
        SimpleQuantity high = simpleQuantity(CdaXml.child(ivl, "high"));
        if (low == null && high == null) {
            return null;
        }
        Range r = new Range();
        if (low != null) {
            r.setLow(low);
        }
        if (high != null) {
            r.setHigh(high);
        }
        return r;
    }

    static BigDecimal number(Element e) {
        return e == null || CdaXml.hasNullFlavor(e) ? null : decimal(CdaXml.attr(e, "value"));
    }
}
