package health.caravan.transformations;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The trustomer settings an ORU^R01 is built with (Polaris {@code hl7_config} and {@code send_config}):
 * MSH-3..6 and MSH-11, the timestamp format (strftime with {@code %L} for milliseconds), whether ORUs
 * are generated at all, and the oxygen masks ({@code code} may contain {@code {mask_percent}}).
 */
public record OruSettings(String sendingApplication, String sendingFacility, String receivingApplication,
                          String receivingFacility, String processingId, String timestampFormat,
                          boolean generateOruMessages, List<OxygenMask> oxygenMasks) {

    public record OxygenMask(String code, String name) {
    }

    /** Reads the trustomer JSON shape {@code {"hl7_config": {...}, "send_config": {...}}}. */
    public static OruSettings fromTrustomer(JsonNode trustomer) {
        JsonNode hl7 = trustomer.path("hl7_config");
        JsonNode send = trustomer.path("send_config");
        List<OxygenMask> masks = new ArrayList<>();
        for (JsonNode m : send.path("oxygen_masks")) {
            masks.add(new OxygenMask(m.path("code").asText(), m.path("name").asText()));
        }
        return new OruSettings(hl7.path("outgoing_sending_application").asText(""),
                hl7.path("outgoing_sending_facility").asText(""),
                hl7.path("outgoing_receiving_application").asText(""),
                hl7.path("outgoing_receiving_facility").asText(""),
                hl7.path("outgoing_processing_id").asText(""),
                hl7.path("outgoing_timestamp_format").asText("%Y%m%d%H%M%S.%L%z"),
                send.path("generate_oru_messages").isBoolean() && send.path("generate_oru_messages").booleanValue(),
                List.copyOf(masks));
    }
}
