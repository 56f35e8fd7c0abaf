package health.caravan.examples;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the metadata out of an example README, whatever variant it is written in: headings of any level
 * with or without a space after the hashes and with or without a trailing colon, bullets or plain lines,
 * a field embedded in another field's bullet ("* Reference to full CDA sample: TBD" under Validation
 * location), the Guide Examples template, stray asterisks. A README it cannot make sense of gives
 * warnings, never an exception.
 */
public final class ReadmeParser {

    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s*(.*?)\\s*#*\\s*$");
    private static final Pattern BULLET = Pattern.compile("^\\s*[*+-]\\s?(.*)$");
    private static final Pattern OID = Pattern.compile("(\\d+(?:\\.\\d+){3,})(?:\\s*:\\s*(\\d{4}-\\d{2}-\\d{2}))?");
    private static final Pattern MD_LINK = Pattern.compile("\\[([^\\]]*)\\]\\(\\s*<?([^)>\\s]+)>?\\s*\\)");
    private static final Pattern URL = Pattern.compile("https?://[^\\s)\\]>]+");
    private static final Pattern US_DATE = Pattern.compile("\\d{1,2}/\\d{1,2}/\\d{4}");
    private static final Pattern STATUS_WORD = Pattern.compile("(?i)^(approved|pending|withdrawn)\\b.*");

    private ReadmeParser() {
    }

    /** One heading and the lines under it. */
    private record Block(String heading, String key, List<String> lines) {
    }

    public static ExampleMetadata parse(String readme) {
        List<String> warnings = new ArrayList<>();
        List<Block> blocks = blocks(readme == null ? "" : readme.replace("\r\n", "\n").replace('\r', '\n'));
        if (blocks.isEmpty()) {
            warnings.add("README has no headings; no metadata could be read");
        }
        String approvalStatus = null;
        List<ExampleMetadata.Approval> approvals = new ArrayList<>();
        List<ExampleMetadata.Template> templates = new ArrayList<>();
        String fullSample = null;
        String validation = null;
        String validationUrl = null;
        List<String> comments = new ArrayList<>();
        String certification = null;
        String custodian = null;
        Set<String> keywords = new LinkedHashSet<>();
        String permalinkId = null;
        boolean permalinkHeading = false;
        boolean guide = false;
        String movedTo = null;
        boolean sawApproval = false;

        for (Block b : blocks) {
            List<String> items = items(b.lines());
            String key = b.key();
            if (key.startsWith("approval status")) {
                sawApproval = true;
                if (key.contains("not supported")) {
                    approvalStatus = "Not supported by HL7";
                }
                for (String item : items) {
                    int colon = item.indexOf(':');
                    String label = colon < 0 ? item : item.substring(0, colon).trim();
                    String value = colon < 0 ? "" : item.substring(colon + 1).trim();
                    if (label.equalsIgnoreCase("approval status") && approvalStatus == null) {
                        approvalStatus = value.isEmpty() ? null : value;
                    } else if (approvalStatus == null && STATUS_WORD.matcher(item).matches()) {
                        approvalStatus = item;
                    } else if (colon > 0 && !value.isEmpty()) {
                        approvals.add(new ExampleMetadata.Approval(label, value, US_DATE.matcher(value).matches()));
                    } else if (!item.isBlank()) {
                        approvals.add(new ExampleMetadata.Approval("", item, false));
                    }
                }
            } else if (key.startsWith("c-cda 2.1 example") || key.equals("templates") || key.startsWith("template examples")
                    || key.startsWith("qrda examples")) {
                for (String item : items) {
                    Matcher m = OID.matcher(item);
                    if (m.find()) {
                        String name = item.substring(0, m.start()).replaceAll("[\\s:,(-]+$", "").trim();
                        templates.add(new ExampleMetadata.Template(name, m.group(1), m.group(2)));
                    }
                }
            } else if (key.startsWith("reference to full cda sample")) {
                fullSample = joined(items);
            } else if (key.startsWith("validation location") || key.startsWith("reference to online validator")) {
                List<String> own = new ArrayList<>();
                for (String item : items) {
                    if (item.toLowerCase(Locale.ROOT).startsWith("reference to full cda sample:")) {
                        fullSample = item.substring(item.indexOf(':') + 1).trim();   // a field inside another
                    } else {
                        own.add(item);
                    }
                }
                validation = joined(own);
                if (validation != null) {
                    Matcher link = MD_LINK.matcher(validation);
                    Matcher url = URL.matcher(validation);
                    validationUrl = link.find() ? link.group(2) : url.find() ? url.group() : null;
                }
            } else if (key.startsWith("comments")) {
                comments.addAll(items);
            } else if (key.startsWith("certification")) {
                String c = joined(items);
                certification = c == null || c.equalsIgnoreCase("n/a") ? null : c;
            } else if (key.startsWith("custodian")) {
                custodian = joined(items);
            } else if (key.startsWith("keyword")) {
                for (String item : items) {
                    for (String k : item.split(",")) {
                        if (!k.isBlank()) {
                            keywords.add(k.trim());
                        }
                    }
                }
            } else if (key.startsWith("permalink")) {
                if (permalinkHeading && permalinkId != null) {
                    warnings.add("README has more than one Permalink heading; the first is used");
                    continue;
                }
                permalinkHeading = true;
                String raw = joined(items);
                permalinkId = PermalinkIds.fromReadmeValue(raw);
                if (permalinkId == null && raw != null && !PermalinkIds.isPlaceholder(raw)) {
                    warnings.add("Permalink '" + abbreviate(raw) + "' holds no permalink id");
                }
                if (permalinkId != null && raw != null && raw.contains("*" + permalinkId)) {
                    warnings.add("Permalink id had a stray '*' before it; read as " + permalinkId);
                }
            } else if (key.startsWith("sdwg supported sample")) {
                guide = true;
            } else if (key.startsWith("example moved")) {
                Matcher url = URL.matcher(String.join(" ", b.lines()));
                movedTo = url.find() ? url.group() : "";
            } else if (key.equals("links") || key.isEmpty()) {
                // Links are stale after renames: the page links the files that really are in the folder
            } else {
                warnings.add("Unknown heading '" + abbreviate(b.heading()) + "' ignored");
            }
        }
        if (!guide && !sawApproval && !blocks.isEmpty()) {
            warnings.add("No Approval Status heading");
        } else if (sawApproval && approvalStatus == null) {
            warnings.add("Approval Status heading has no 'Approval Status: <status>' line");
        }
        return new ExampleMetadata(approvalStatus, List.copyOf(approvals), List.copyOf(templates), fullSample,
                validation, validationUrl, List.copyOf(comments), certification, custodian, List.copyOf(keywords),
                permalinkId, permalinkHeading, guide, movedTo, List.copyOf(warnings));
    }

    private static List<Block> blocks(String text) {
        List<Block> blocks = new ArrayList<>();
        Block current = null;
        boolean fenced = false;
        for (String line : text.split("\n", -1)) {
            if (line.trim().startsWith("```")) {
                fenced = !fenced;
            }
            Matcher h = fenced ? null : HEADING.matcher(line);
            if (h != null && h.matches()) {
                String heading = h.group(2);
                current = new Block(heading, key(heading), new ArrayList<>());
                blocks.add(current);
            } else if (current != null) {
                current.lines().add(line);
            }
        }
        return blocks;
    }

    /** Heading text reduced for matching: lower case, no trailing colon, single spaces. */
    static String key(String heading) {
        return heading.replaceAll("[:\\s]+$", "").replaceAll("\\s+", " ").trim().toLowerCase(Locale.ROOT);
    }

    /** Bullets without their marker, and plain non-blank lines (some READMEs have no bullets at all). */
    private static List<String> items(List<String> lines) {
        List<String> items = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Matcher b = BULLET.matcher(line);
            String item = (b.matches() ? b.group(1) : line).trim();
            item = item.replaceAll("\\*\\s*$", "").trim();       // "* N/A* " -> "N/A"
            if (!item.isEmpty() && !item.equals(":")) {
                items.add(clean(item));
            }
        }
        return items;
    }

    /** Smart quotes and non-breaking spaces made plain, as the original parser did. */
    private static String clean(String s) {
        return s.replace('\u2018', '\'').replace('\u2019', '\'').replace('\u201C', '"').replace('\u201D', '"')
                .replace('\u00A0', ' ');
    }

    private static String joined(List<String> items) {
        return items.isEmpty() ? null : String.join("; ", items);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
