package health.caravan.transformations.fhir;

import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * CDA narrative block ({@code section/text}) → FHIR XHTML {@code div}: content → span, paragraph → p, list/item →
 * ul|ol/li (a list's caption goes before it, other non-item children are wrapped in li), table parts keep their names, caption outside a table → b, linkHtml/footnotes → span, renderMultiMedia
 * dropped. Only colspan/rowspan attributes survive (styleCode, ID and the rest are dropped), so the div always
 * satisfies the FHIR narrative rules.
 */
final class NarrativeConverter {

    static final String XHTML_NS = "http://www.w3.org/1999/xhtml";

    private NarrativeConverter() {
    }

    /** The narrative, or null when the text element is missing or has no visible text. */
    static Narrative convert(Element text) {
        if (text == null || CdaXml.text(text) == null) {
            return null;
        }
        XhtmlNode div = new XhtmlNode(NodeType.Element, "div");
        div.setAttribute("xmlns", XHTML_NS);
        copyChildren(text, div);
        return new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED).setDiv(div);
    }

    /** A one-paragraph generated narrative. */
    static Narrative plain(String sentence) {
        XhtmlNode div = new XhtmlNode(NodeType.Element, "div");
        div.setAttribute("xmlns", XHTML_NS);
        div.addTag("p").addText(sentence);
        return new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED).setDiv(div);
    }

    private static void copyChildren(Node from, XhtmlNode to) {
        for (Node n = from.getFirstChild(); n != null; n = n.getNextSibling()) {
            switch (n.getNodeType()) {
                case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> {
                    String t = n.getNodeValue();
                    if (t != null && !t.isEmpty()) {
                        to.addText(t);
                    }
                }
                case Node.ELEMENT_NODE -> copyElement((Element) n, to);
                default -> {
                }
            }
        }
    }

    private static void copyElement(Element e, XhtmlNode parent) {
        String name = e.getLocalName();
        String tag = switch (name) {
            case "content", "linkHtml", "footnote", "footnoteRef" -> "span";
            case "paragraph" -> "p";
            case "br" -> "br";
            case "list" -> "ordered".equalsIgnoreCase(CdaXml.attr(e, "listType")) ? "ol" : "ul";
            case "item" -> "li";
            case "table", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col", "sub", "sup" -> name;
            case "caption" -> "table".equals(e.getParentNode().getLocalName()) ? "caption" : "b";
            case "renderMultiMedia" -> null;
            default -> "span";
        };
        if (tag == null) {
            return;
        }
        if ("ul".equals(tag) || "ol".equals(tag)) {
            list(e, tag, parent);
            return;
        }
        XhtmlNode node = parent.addTag(tag);
        if ("td".equals(tag) || "th".equals(tag)) {
            for (String attr : new String[] {"colspan", "rowspan"}) {
                String v = CdaXml.attr(e, attr);
                if (v != null && v.matches("\\d{1,3}")) {
                    node.setAttribute(attr, v);
                }
            }
        }
        if (!"br".equals(tag) && !"col".equals(tag)) {
            copyChildren(e, node);
        }
    }

    /**
     * FHIR XHTML allows only {@code li} inside {@code ul}/{@code ol}. A list's caption becomes bold text ({@code b}, as any
     * caption outside a table) just before the list; any other child that is not an item (text, content, a nested list, ...) is wrapped in an
     * {@code li} of its own, so no text is lost. Whitespace between items is dropped.
     */
    private static void list(Element e, String tag, XhtmlNode parent) {
        for (Element caption : CdaXml.children(e, "caption")) {
            copyChildren(caption, parent.addTag("b"));
        }
        XhtmlNode list = parent.addTag(tag);
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                String name = n.getLocalName();
                if ("caption".equals(name)) {
                    continue;
                }
                if ("item".equals(name)) {
                    copyChildren(n, list.addTag("li"));
                } else {
                    copyElement((Element) n, list.addTag("li"));
                }
            } else if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
                String t = n.getNodeValue();
                if (t != null && !t.isBlank()) {
                    list.addTag("li").addText(t);
                }
            }
        }
    }
}
