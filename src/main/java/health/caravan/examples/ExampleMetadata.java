package health.caravan.examples;

import java.util.List;

/**
 * What an example's README says, parsed leniently: every field may be missing. {@code warnings} tell
 * the curator what could not be read; they never fail a sync.
 *
 * @param approvalStatus Approved, Pending, Withdrawn (as written, e.g. "Withdrawn (temporarily)"),
 *                       "Not supported by HL7", or null (Guide Examples have none)
 * @param approvals      the dated review lines under Approval Status (Example Task Force, SDWG, ...)
 * @param templates      template ids with their names and versions
 * @param permalinkId    the permalink id written in the README, normalised; null when absent or a placeholder
 * @param permalinkHeading whether the README has a Permalink heading (possibly with a placeholder)
 */
public record ExampleMetadata(String approvalStatus, List<Approval> approvals, List<Template> templates,
                              String fullSample, String validation, String validationUrl, List<String> comments,
                              String certification, String custodian, List<String> keywords, String permalinkId,
                              boolean permalinkHeading, boolean guideExample, String movedTo, List<String> warnings) {

    /** A dated review line, e.g. "SDWG: 3/6/2015"; {@code validDate} is false when the date is not M/D/YYYY. */
    public record Approval(String label, String value, boolean validDate) {
    }

    /** A template the example shows: its name (may be empty), OID and version (may be null). */
    public record Template(String name, String oid, String version) {
    }

    /** The approval status reduced to a filter value: approved, pending, withdrawn, unsupported,
     * not-reviewed (Guide Examples) or unknown (no status could be read). */
    public String approvalKey() {
        if (approvalStatus == null) {
            return guideExample ? "not-reviewed" : "unknown";
        }
        String s = approvalStatus.toLowerCase(java.util.Locale.ROOT);
        if (s.startsWith("approved")) {
            return "approved";
        }
        if (s.startsWith("pending")) {
            return "pending";
        }
        if (s.startsWith("withdrawn")) {
            return "withdrawn";
        }
        if (s.contains("not supported")) {
            return "unsupported";
        }
        return "other";
    }
}
