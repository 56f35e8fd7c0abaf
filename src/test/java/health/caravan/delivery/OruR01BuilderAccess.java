package health.caravan.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/** The ORU control id rule, for tests outside the transformations package: first 20 hex of MD5(set uuid). */
final class OruR01BuilderAccess {

    private OruR01BuilderAccess() {
    }

    static String controlId(String setUuid) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(setUuid.getBytes(StandardCharsets.UTF_8))).substring(0, 20);
    }
}
