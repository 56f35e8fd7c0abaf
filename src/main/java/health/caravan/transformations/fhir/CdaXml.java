package health.caravan.transformations.fhir;

import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Small DOM-walking helpers for the HL7 v3 (CDA) namespace. Walking children directly is much faster than XPath
 * and needs no compiled-expression cache.
 */
final class CdaXml {

    static final String V3 = "urn:hl7-org:v3";
    static final String SDTC = "urn:hl7-org:sdtc";
    static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

    private CdaXml() {
    }

    /** First child element in the v3 namespace with this local name, or null. */
    static Element child(Element parent, String name) {
        return child(parent, V3, name);
    }

    static Element child(Element parent, String ns, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE && name.equals(n.getLocalName()) && ns.equals(n.getNamespaceURI())) {
                return (Element) n;
            }
        }
        return null;
    }

    /** Follows a path of v3 child names (first match at each step). */
    static Element path(Element start, String... names) {
        Element e = start;
        for (String name : names) {
            e = child(e, name);
            if (e == null) {
                return null;
            }
        }
        return e;
    }

    /** All child elements in the v3 namespace with this local name. */
    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE && name.equals(n.getLocalName()) && V3.equals(n.getNamespaceURI())) {
                out.add((Element) n);
            }
        }
        return out;
    }

    /** All child elements (any name) in the v3 namespace. */
    static List<Element> elements(Element parent) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE && V3.equals(n.getNamespaceURI())) {
                out.add((Element) n);
            }
        }
        return out;
    }

    /** Attribute value, trimmed, or null when absent or blank. */
    static String attr(Element e, String name) {
        if (e == null || !e.hasAttribute(name)) {
            return null;
        }
        String v = e.getAttribute(name).trim();
        return v.isEmpty() ? null : v;
    }

    /** xsi:type without its prefix, or null. */
    static String xsiType(Element e) {
        if (e == null) {
            return null;
        }
        String t = e.getAttributeNS(XSI, "type");
        if (t == null || t.isBlank()) {
            return null;
        }
        int colon = t.indexOf(':');
        return colon >= 0 ? t.substring(colon + 1).trim() : t.trim();
    }

    /** Normalised text content (whitespace collapsed), or null when blank. */
    static String text(Element e) {
        if (e == null) {
            return null;
        }
        String t = e.getTextContent();
        if (t == null) {
            return null;
        }
        t = t.replaceAll("\\s+", " ").trim();
        return t.isEmpty() ? null : t;
    }

    static boolean hasNullFlavor(Element e) {
        return e != null && attr(e, "nullFlavor") != null;
    }

    static boolean isTrue(Element e, String attribute) {
        return "true".equalsIgnoreCase(attr(e, attribute));
    }

    /** The templateId roots of an element. */
    static List<String> templateRoots(Element e) {
        List<String> out = new ArrayList<>();
        for (Element t : children(e, "templateId")) {
            String root = attr(t, "root");
            if (root != null) {
                out.add(root);
            }
        }
        return out;
    }

    static boolean hasTemplate(Element e, String root) {
        for (Element t : children(e, "templateId")) {
            if (root.equals(attr(t, "root"))) {
                return true;
            }
        }
        return false;
    }

    /** The single clinical statement inside an entry, component or entryRelationship. */
    static Element clinicalStatement(Element holder) {
        for (Element e : elements(holder)) {
            switch (e.getLocalName()) {
                case "observation", "act", "substanceAdministration", "supply", "procedure", "encounter",
                        "organizer", "regionOfInterest", "observationMedia" -> {
                    return e;
                }
                default -> {
                }
            }
        }
        return null;
    }

    /** The clinical statements of the entryRelationships of {@code e}, optionally restricted to a typeCode. */
    static List<Element> related(Element e, String typeCode) {
        List<Element> out = new ArrayList<>();
        for (Element rel : children(e, "entryRelationship")) {
            if (typeCode == null || typeCode.equals(attr(rel, "typeCode"))) {
                Element s = clinicalStatement(rel);
                if (s != null) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
