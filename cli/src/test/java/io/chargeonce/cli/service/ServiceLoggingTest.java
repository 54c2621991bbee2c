package io.chargeonce.cli.service;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service log configuration writes one JSON object per line, with a decision's key-value pairs
 * queryable and the message formatted. A context of its own, so the test JVM's logging is untouched.
 */
class ServiceLoggingTest {

    @TempDir
    Path dir;

    @Test
    void aDecisionIsOneJsonLineWithItsKeyValuePairs() throws Exception {
        Path file = dir.resolve("relay.log");
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what the SLF4J provider gives its own context
        context.putProperty("SERVICE_LOG_FILE", file.toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(ServiceLogging.class.getClassLoader().getResource(ServiceLogging.CONFIG));
        Logger log = context.getLogger("io.chargeonce.processor.ledger.LedgerProcessor");

        log.atInfo().addKeyValue("paymentId", "p-1").addKeyValue("eventId", "e-1").addKeyValue("decision", "new")
                .log("payment {} (event {}): recording attempt 1 and charging", "p-1", "e-1");
        context.stop();

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.getFirst());
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("loggerName").asText()).isEqualTo("io.chargeonce.processor.ledger.LedgerProcessor");
        assertThat(line.get("formattedMessage").asText()).isEqualTo("payment p-1 (event e-1): recording attempt 1 and charging");
        assertThat(line.get("kvpList").toString()).contains("\"paymentId\":\"p-1\"", "\"eventId\":\"e-1\"", "\"decision\":\"new\"");
        assertThat(line.has("arguments")).isFalse();
    }
}
