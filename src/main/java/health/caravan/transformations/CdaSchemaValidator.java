package health.caravan.transformations;

import java.io.StringReader;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.sax.SAXSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * Validates CDA R2 documents against the HL7 CDA_SDTC schema (the C-CDA schema with the SDTC
 * extensions, as shipped in IPF's CDA module). Documents with a DOCTYPE are refused (no XXE).
 */
public final class CdaSchemaValidator {

    private static final String SCHEMA = "/schema/ccda/infrastructure/cda/CDA_SDTC.xsd";
    private static final int MAX_ERRORS = 20;

    private final Schema schema;
    private final SAXParserFactory parsers;

    public CdaSchemaValidator() {
        try {
            URL xsd = CdaSchemaValidator.class.getResource(SCHEMA);
            if (xsd == null) {
                throw new IllegalStateException("CDA schema not on the classpath: " + SCHEMA);
            }
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "jar,file");
            schema = factory.newSchema(xsd);
            parsers = SAXParserFactory.newInstance();
            parsers.setNamespaceAware(true);
            parsers.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            parsers.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot load the CDA schema", e);
        }
    }

    /**
     * The schema errors of a document ({@code line:column message}, for the sender: the messages quote the
     * document's values, so store or log only {@link #summary}); empty when it is valid.
     */
    public List<String> validate(String xml) {
        List<String> errors = new ArrayList<>();
        try {
            XMLReader reader = parsers.newSAXParser().getXMLReader();
            Validator validator = schema.newValidator();
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            ErrorHandler collect = new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                    // warnings do not make a document invalid
                }

                @Override
                public void error(SAXParseException e) {
                    add(errors, e);
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXParseException {
                    add(errors, e);
                    throw e;
                }
            };
            validator.setErrorHandler(collect);
            reader.setErrorHandler(collect);
            validator.validate(new SAXSource(reader, new InputSource(new StringReader(xml == null ? "" : xml))));
        } catch (SAXParseException e) {
            if (errors.isEmpty()) {
                add(errors, e);
            }
        } catch (Exception e) {
            errors.add("not a readable XML document: " + e.getClass().getSimpleName());
        }
        return errors;
    }

    private static final Pattern ERROR = Pattern.compile("^(\\d+:\\d+) (?:([a-z]+(?:-[A-Za-z0-9.]+)+):)?.*", Pattern.DOTALL);

    /**
     * What may be stored or logged of an error from {@link #validate}: the schema rule and the position
     * ({@code cvc-pattern-valid at 12:34}), never the message, which quotes the document's values.
     */
    public static String summary(String error) {
        Matcher m = ERROR.matcher(error);
        if (!m.matches()) {
            return error.startsWith("not a readable XML document") ? error : "schema error";
        }
        return (m.group(2) == null ? "not well-formed XML" : m.group(2)) + " at " + m.group(1);
    }

    private static void add(List<String> errors, SAXParseException e) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(e.getLineNumber() + ":" + e.getColumnNumber() + " " + e.getMessage());
        }
    }
}
