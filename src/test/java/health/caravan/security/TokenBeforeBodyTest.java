package health.caravan.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import health.caravan.support.Messages;
import health.caravan.support.TestCaravan;
import health.caravan.support.Tokens;

/** A large body is not read before the token checks out: the 401 comes while the body is still unsent. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenBeforeBodyTest {

    private TestCaravan caravan;

    @BeforeAll
    void start() throws Exception {
        caravan = TestCaravan.startOnPostgres();
    }

    @AfterAll
    void stop() throws Exception {
        caravan.close();
    }

    /** Sends only the request head announcing a 10 MB body and reads the status line. */
    private String statusLineForHeadOnly(String authorization) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", caravan.httpPort)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /dhos/v1/message HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Content-Length: 10000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return in.readLine();
        }
    }

    @Test
    void noTokenNoBody() throws Exception {
        String status = statusLineForHeadOnly(null);
        assertTrue(status.startsWith("HTTP/1.1 401"), status);
    }

    @Test
    void badTokenNoBody() throws Exception {
        String status = statusLineForHeadOnly("Bearer " + Tokens.sign(TestCaravan.ISSUER, TestCaravan.ISSUER,
                "another-key-0123456789abcdef-0123456789abcdef-0123456789abcdef", "write:hl7_message", 600, com.nimbusds.jose.JWSAlgorithm.HS256));
        assertTrue(status.startsWith("HTTP/1.1 401"), status);
    }

    @Test
    void aGoodTokenStillSendsLargeBodies() throws Exception {
        // a real message padded past the threshold with a long Z segment
        String message = Messages.a01("BIG-1", "BIG1") + "ZXX|" + "x".repeat(200_000) + "\r";
        var r = caravan.http.postHl7(Tokens.readWrite(), message.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(200, r.status(), r.body());
    }
}
