package health.caravan.support;

import java.io.StringWriter;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Captures everything logged (root logger) while open, with Caravan's own packages at DEBUG. */
public final class CapturedLogs implements AutoCloseable {

    private final StringWriter out = new StringWriter();
    private final WriterAppender appender;
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);

    public CapturedLogs() {
        Configuration config = context.getConfiguration();
        appender = WriterAppender.newBuilder().setName("captured").setTarget(out)
                .setLayout(PatternLayout.newBuilder().withPattern("%p %c - %m %ex%n").build()).build();
        appender.start();
        config.getRootLogger().addAppender(appender, Level.ALL, null);
        LoggerConfig caravan = new LoggerConfig("health.caravan", Level.DEBUG, true);
        config.addLogger("health.caravan", caravan);
        context.updateLoggers();
    }

    public String text() {
        return out.toString();
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender("captured");
        config.removeLogger("health.caravan");
        appender.stop();
        context.updateLoggers();
    }
}
