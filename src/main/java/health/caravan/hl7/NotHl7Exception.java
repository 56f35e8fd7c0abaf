package health.caravan.hl7;

/** The text received is not an HL7 v2 message (it does not start with an MSH segment). */
public class NotHl7Exception extends Exception {
    public NotHl7Exception(String message) {
        super(message);
    }
}
