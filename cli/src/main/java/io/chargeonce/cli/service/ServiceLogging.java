package io.chargeonce.cli.service;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.nio.file.Path;
import java.util.Map;

/**
 * Points a service's logging at the file {@value #ENV} names, so each service process writes its
 * own log (appended across restarts, so a crash and the restart after it read as one story),
 * never the command line's shared {@code chargeonce.log}.
 */
final class ServiceLogging {

    static final String ENV = "CHARGEONCE_LOG_FILE";
    static final String CONFIG = "io/chargeonce/cli/service/service-logback.xml";
    private static final String LOGBACK_CONFIG_PROPERTY = "logback.configurationFile";

    private ServiceLogging() {
    }

    /** Configures logback from {@link #CONFIG} when {@value #ENV} is set; otherwise leaves logging as it is. */
    static void useFileFrom(Map<String, String> env) {
        String file = env.get(ENV);
        if (file == null || file.isBlank()) {
            return;
        }
        // Before logback's first use, so it never even opens the command line's chargeonce.log
        // (which it would truncate); if something logged already, the reset below takes over.
        if (System.getProperty(LOGBACK_CONFIG_PROPERTY) == null) {
            System.setProperty(LOGBACK_CONFIG_PROPERTY, CONFIG);
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        URL config = ServiceLogging.class.getClassLoader().getResource(CONFIG);
        if (config == null) {
            throw new IllegalStateException(CONFIG + " is missing from the classpath");
        }
        context.reset();
        context.putProperty("SERVICE_LOG_FILE", Path.of(file).toAbsolutePath().toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure logging to " + file, e);
        }
    }
}
