package health.caravan.transformations.fhir;

import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.fhir.ucum.UcumEssenceService;

/**
 * Is a unit string valid UCUM? Checked with the UCUM essence shipped with the HAPI validation jars (loaded once).
 * Invalid units are still shown ({@code Quantity.unit}) but get no UCUM system/code, so the result stays valid FHIR.
 */
final class UcumUnits {

    private static final UcumEssenceService UCUM = load();
    private static final Map<String, Boolean> CACHE = new ConcurrentHashMap<>();

    private UcumUnits() {
    }

    private static UcumEssenceService load() {
        try (InputStream in = UcumUnits.class.getResourceAsStream("/ucum-essence.xml")) {
            return in == null ? null : new UcumEssenceService(in);
        } catch (Exception e) {
            return null;
        }
    }

    static boolean isValid(String unit) {
        if (unit == null || unit.isBlank()) {
            return false;
        }
        if (UCUM == null) {
            return true;
        }
        if (CACHE.size() > 10_000) {
            CACHE.clear();
        }
        return CACHE.computeIfAbsent(unit, u -> {
            try {
                return UCUM.validate(u) == null;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }
}
