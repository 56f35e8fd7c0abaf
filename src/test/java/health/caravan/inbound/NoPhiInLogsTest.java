package health.caravan.inbound;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import health.caravan.support.CapturedLogs;
import health.caravan.support.Fixtures;
import health.caravan.support.MllpClient;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;

/** Every fixture (accepted, rejected, erroring) over both transports, with Caravan at DEBUG: no name, identifier or body in the logs. */
class NoPhiInLogsTest {

    @Test
    void logsCarryNoPatientData() throws Exception {
        TestCaravan.truncatePostgres();
        String logs;
        try (CapturedLogs captured = new CapturedLogs(); TestCaravan caravan = TestCaravan.startOnPostgres()) {
            for (Fixtures.Inbound f : Fixtures.inbound()) {
                try (MllpClient client = caravan.mllp()) {
                    client.send(f.bytes());
                }
                caravan.http.postHl7(Tokens.readWrite(), f.bytes());
            }
            caravan.http.send("POST", "/dhos/v1/message", Tokens.readWrite(), "{\"type\":\"HL7v2\",\"body\":\"bm90IGhsNyBTVEVQSEVO\"}");
            logs = captured.text();
        }
        assertTrue(logs.contains("MLLP message"), "Caravan logged at DEBUG while capturing");
        for (String phi : List.of("ZZZEDUCATION", "STEPHEN", "654321", "1239874560", "TESTPATIENT", "9990000042",
                "Churchill Hospital", "EVN|", "PID|")) {
            assertFalse(logs.contains(phi), "log contains " + phi);
        }
    }
}
