package health.caravan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.ParameterizedMessage;
import org.junit.jupiter.api.Test;

/** The console layout of log4j2.properties writes every event as one line: CR/LF from callers cannot forge lines. */
class LogLayoutTest {

    @Test
    void crAndLfAreEncodedInMessageAndException() {
        Appender out = ((LoggerContext) LogManager.getContext(false)).getConfiguration().getAppender("out");
        assertNotNull(out, "the console appender of log4j2.properties");
        Layout<?> layout = out.getLayout();
        IllegalArgumentException thrown = new IllegalArgumentException("bad value\r\n2026-01-01 INFO forged - exception line");
        String line = new String(layout.toByteArray(Log4jLogEvent.newBuilder().setLoggerName("health.caravan.Test")
                .setLevel(Level.WARN).setThreadName("main")
                .setMessage(new ParameterizedMessage("refused {}", "x\r\n2026-01-01 INFO forged - message line"))
                .setThrown(thrown).build()), java.nio.charset.StandardCharsets.UTF_8);

        assertTrue(line.endsWith("\n"), line);
        String body = line.substring(0, line.length() - 1);
        assertFalse(body.contains("\n") || body.contains("\r"), "one line: " + line);
        assertTrue(body.contains("refused x\\r\\n2026-01-01 INFO forged - message line"), line);
        assertTrue(body.contains("java.lang.IllegalArgumentException: bad value\\r\\n2026-01-01 INFO forged - exception line"), line);
        assertTrue(body.contains("exception line\\n\tat health.caravan.LogLayoutTest"), "the stack trace is kept: " + line);

        String plain = new String(layout.toByteArray(Log4jLogEvent.newBuilder().setLoggerName("health.caravan.Test")
                .setLevel(Level.INFO).setThreadName("main").setMessage(new ParameterizedMessage("stored {}", "uuid-1")).build()),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(plain.endsWith(" - stored uuid-1\n"), plain);
        assertEquals(1, plain.split("\n").length);
    }
}
