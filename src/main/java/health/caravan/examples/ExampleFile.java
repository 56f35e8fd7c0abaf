package health.caravan.examples;

import java.util.Locale;

/** A file in an example folder, read from Git by its blob id (never from the working tree). */
public record ExampleFile(String name, String blobId, long size) {

    /** xml, html, png, pdf, url, zip or other, from the extension. */
    public String kind() {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "xml", "html", "htm", "png", "pdf", "url", "zip" -> ext.equals("htm") ? "html" : ext;
            default -> "other";
        };
    }

    /** The content type a download is served with. */
    public String contentType() {
        return switch (kind()) {
            case "xml" -> "application/xml";
            case "html" -> "text/html; charset=utf-8";
            case "png" -> "image/png";
            case "pdf" -> "application/pdf";
            case "zip" -> "application/zip";
            case "url" -> "text/plain; charset=utf-8";
            default -> "application/octet-stream";
        };
    }
}
