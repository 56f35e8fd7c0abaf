package health.caravan.transformations.fhir;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.Reference;
import org.w3c.dom.Element;

/**
 * Maps the entries of one kind of C-CDA section to FHIR resources (added to the {@link ConversionContext}) and
 * returns the references that the Composition section lists. Entries it does not understand are skipped, never an
 * error.
 */
interface SectionMapper {

    List<Reference> map(Element section, ConversionContext ctx);

    /** The clinical statements of {@code section/entry}. */
    static List<Element> entries(Element section) {
        List<Element> out = new ArrayList<>();
        for (Element entry : CdaXml.children(section, "entry")) {
            Element s = CdaXml.clinicalStatement(entry);
            if (s != null && !CdaXml.hasNullFlavor(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** statusCode/@code, or null. */
    static String statusCode(Element statement) {
        return CdaXml.attr(CdaXml.child(statement, "statusCode"), "code");
    }
}
