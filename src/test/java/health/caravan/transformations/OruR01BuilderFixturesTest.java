package health.caravan.transformations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import health.caravan.support.Fixtures;

/** Every ORU fixture byte for byte, with the fixtures' fixed clock (MSH-7 2019-01-07T12:33:46.785Z) in UTC. */
class OruR01BuilderFixturesTest {

    private static final Instant CLOCK = Instant.parse("2019-01-07T12:33:46.785Z");

    static Stream<String> fixtures() throws Exception {
        return Fixtures.resourceNames("fixtures/polaris/oru").stream()
                .filter(n -> n.endsWith(".request.json"))
                .map(n -> n.replace(".request.json", ""))
                .sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void generatesTheExpectedOru(String name) throws Exception {
        String trustomer = name.contains("receiver-override") ? "trustomer.receiver-override.json" : "trustomer.json";
        OruSettings settings = OruSettings.fromTrustomer(json("fixtures/polaris/oru/" + trustomer));
        JsonNode request = json("fixtures/polaris/oru/" + name + ".request.json");
        JsonNode data = request.get("actions").get(0).get("data");
        OruR01Builder.Oru oru = new OruR01Builder(settings, ZoneOffset.UTC).build(data, CLOCK);
        String expected = new String(Fixtures.resource("fixtures/polaris/oru/" + name + ".expected.hl7"), StandardCharsets.UTF_8);
        assertEquals(expected.replace("\r", "\n"), oru.text().replace("\r", "\n"));
        assertEquals(expected, oru.text());
        assertFalse(oru.text().contains("None"));
    }

    @Test
    void escapesTheFiveDelimitersLikePolaris() {
        assertEquals("a\\E\\b\\F\\c\\R\\d\\S\\e\\T\\f", OruR01Builder.e("a\\b|c~d^e&f"));
        assertEquals("", OruR01Builder.e(null));
    }

    @Test
    void controlIdIsMd5OfTheSetUuid() {
        assertEquals("224ddf783bc4cc6c158f", OruR01Builder.controlId("0324e62b-88fb-4aef-b15c-ee0454ce997f"));
        assertEquals("0bcb18b24163b41f42e2", OruR01Builder.controlId("obs_set_uuid"));
    }

    @Test
    void refusesUnknownScoreSystemsAndZonelessTimes() throws Exception {
        OruSettings settings = OruSettings.fromTrustomer(json("fixtures/polaris/oru/trustomer.json"));
        JsonNode data = json("fixtures/polaris/oru/sparse_room-air.request.json").get("actions").get(0).get("data");
        ObjectNode unknownSystem = data.deepCopy();
        ((ObjectNode) unknownSystem.get("observation_set")).put("score_system", "pews");
        assertThrows(IllegalArgumentException.class, () -> new OruR01Builder(settings, ZoneOffset.UTC).build(unknownSystem, CLOCK));
        ObjectNode noZone = data.deepCopy();
        ((ObjectNode) noZone.get("observation_set")).put("record_time", "2019-11-11T11:11:11.111");
        assertThrows(IllegalArgumentException.class, () -> new OruR01Builder(settings, ZoneOffset.UTC).build(noZone, CLOCK));
    }

    private static JsonNode json(String resource) throws Exception {
        return Fixtures.JSON.readTree(Fixtures.resource(resource));
    }
}
