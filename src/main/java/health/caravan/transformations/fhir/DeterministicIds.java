package health.caravan.transformations.fhir;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Name-based (type 3) UUIDs: {@code UUID.nameUUIDFromBytes(documentKey | resourceType | key)}. The key is the entry's
 * own id (root|extension) when it has one, else its position path in the document, so converting the same document
 * twice gives the same ids.
 */
final class DeterministicIds {

    private DeterministicIds() {
    }

    static String uuid(String documentKey, String resourceType, String key) {
        String name = documentKey + "|" + resourceType + "|" + key;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Position of an element in its document, e.g. {@code /ClinicalDocument/component/structuredBody/component[3]/section}. */
    static String position(Element e) {
        StringBuilder path = new StringBuilder();
        for (Node n = e; n != null && n.getNodeType() == Node.ELEMENT_NODE; n = n.getParentNode()) {
            int index = 0;
            for (Node s = n.getPreviousSibling(); s != null; s = s.getPreviousSibling()) {
                if (s.getNodeType() == Node.ELEMENT_NODE && n.getLocalName().equals(s.getLocalName())) {
                    index++;
                }
            }
            path.insert(0, index == 0 ? "" : "[" + index + "]").insert(0, n.getLocalName()).insert(0, '/');
        }
        return path.toString();
    }
}
