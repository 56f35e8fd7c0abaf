package health.caravan.support;

/** Small synthetic ADT messages for tests (synthetic identifiers, CR segment terminators). */
public final class Messages {

    private Messages() {
    }

    public static String a01(String controlId, String mrn) {
        return a01(controlId, mrn, "ALPHA");
    }

    /** With a chosen given name (published as {@code first_name}, so a test can tell messages apart). */
    public static String a01(String controlId, String mrn, String givenName) {
        return "MSH|^~\\&|SYNTH_EPR|SYNTHHOSP|CARAVAN|SYNTHHOSP|20240101101500||ADT^A01|" + controlId + "|P|2.3\r"
                + "EVN|A01|20240101101500\r"
                + "PID|1||" + mrn + "^^^SYNTH^MRN~9990000018^^^NHSNBR^NHSNMBR||TESTPATIENT^" + givenName + "||19800102|F\r"
                + "PV1|1|INPATIENT|WARD 1^BAY 2^BED 3||||||||||||||||V" + mrn
                + "|||||||||||||||||||||||||20240101100000\r";
    }
}
