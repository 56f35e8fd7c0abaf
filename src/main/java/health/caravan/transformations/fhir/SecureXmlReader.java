package health.caravan.transformations.fhir;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Namespace-aware DOM parsing that refuses DTDs (hence external entities and entity expansion attacks: XXE safe).
 * A {@link DocumentBuilder} is not thread-safe, so each thread keeps its own.
 */
final class SecureXmlReader {

    private static final DocumentBuilderFactory FACTORY = newFactory();

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(() -> {
        try {
            DocumentBuilder builder = FACTORY.newDocumentBuilder();
            builder.setErrorHandler(SILENT);
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not allowed");
            });
            return builder;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser cannot be configured securely", e);
        }
    });

    private SecureXmlReader() {
    }

    private static DocumentBuilderFactory newFactory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setValidating(false);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setIgnoringComments(true);
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        } catch (ParserConfigurationException | IllegalArgumentException e) {
            throw new IllegalStateException("XML parser cannot be configured securely", e);
        }
        return f;
    }

    /** Parses the bytes; a DOCTYPE, or anything not well-formed, is a {@link CcdaConversionException}. */
    static Document parse(byte[] xml) {
        if (xml == null || xml.length == 0) {
            throw new CcdaConversionException("The input is empty: a C-CDA ClinicalDocument (XML) is required");
        }
        DocumentBuilder builder = BUILDER.get();
        try {
            return builder.parse(new InputSource(new ByteArrayInputStream(xml)));
        } catch (SAXParseException e) {
            // Only the position: parser messages may quote document content.
            boolean doctype = e.getMessage() != null && e.getMessage().contains("DOCTYPE");
            throw new CcdaConversionException((doctype ? "The input contains a DOCTYPE, which is not allowed"
                    : "The input is not well-formed XML") + " (line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + ")");
        } catch (SAXException | IOException e) {
            throw new CcdaConversionException("The input is not well-formed XML");
        } finally {
            builder.reset();
            builder.setErrorHandler(SILENT);
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not allowed");
            });
        }
    }
}
