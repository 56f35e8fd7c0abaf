package health.caravan.transformations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import health.caravan.hl7.Hl7Text;
import health.caravan.support.Fixtures;

/** Every Polaris inbound fixture through the pure decision code: ACK code, ERR text, row fields and actions. */
class AdtInboundRulesFixturesTest {

    static List<Fixtures.Inbound> fixtures() {
        return Fixtures.inbound();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void decisionMatchesFixture(Fixtures.Inbound fixture) throws Exception {
        AdtInboundRules rules = new AdtInboundRules(IdentifierTypes.polarisDefaults(), ZoneId.of(fixture.zone()));
        AdtDecision d = rules.decide(Hl7Text.parse(fixture.text()));
        JsonNode e = fixture.expected();

        assertEquals(e.get("ack_code").asText(), d.verdict().code().name(), "ack code");
        assertEquals(text(e.get("err_text")), d.verdict().reason(), "ERR-8 text");
        assertEquals(text(e.get("message_type")), d.messageType(), "message_type");
        assertEquals(text(e.get("message_control_id")), d.controlId(), "message_control_id");
        assertEquals(text(e.get("sent_at")), d.sentAt(), "sent_at");
        JsonNode ids = e.get("patient_identifiers");
        if (ids.isNull()) {
            assertNull(d.identifiers());
        } else {
            Map<String, String> actual = d.identifiers().asMap();
            assertEquals(text(ids.get("NHS number")), actual.get("NHS number"), "NHS number");
            assertEquals(text(ids.get("MRN")), actual.get("MRN"), "MRN");
            assertEquals(text(ids.get("Visit ID")), actual.get("Visit ID"), "Visit ID");
        }
        JsonNode actions = e.get("actions");
        if (actions.isNull() || !d.verdict().accepted()) {
            assertEquals(true, actions.isNull(), "actions expected");
        } else {
            // object key order is not significant; key presence, null vs "" and array order are
            assertEquals(actions, Fixtures.JSON.valueToTree(d.actions()));
        }
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
