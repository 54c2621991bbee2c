package io.chargeonce.api.health;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HealthReportTest {

    @Test
    void everyCheckUpIsUpWith200() {
        HealthReport report = HealthReport.run(Map.of("postgres", () -> null));

        assertThat(report.httpStatus()).isEqualTo(200);
        assertThat(report.json()).isEqualTo("{\"status\":\"UP\",\"checks\":{\"postgres\":\"UP\"}}");
    }

    @Test
    void oneCheckDownIsDownWith503AndItsFirstLineAsTheReason() {
        Map<String, HealthCheck> checks = new LinkedHashMap<>();
        checks.put("postgres", () -> {
            throw new java.sql.SQLException("Connection to 127.0.0.1:5433 refused.\nCheck that the hostname ...");
        });
        checks.put("kafka", () -> null);
        checks.put("inbox", () -> "the consumer stopped");

        HealthReport report = HealthReport.run(checks);

        assertThat(report.httpStatus()).isEqualTo(503);
        assertThat(report.json()).isEqualTo("{\"status\":\"DOWN\",\"checks\":{"
                + "\"postgres\":\"DOWN: Connection to 127.0.0.1:5433 refused.\",\"kafka\":\"UP\","
                + "\"inbox\":\"DOWN: the consumer stopped\"}}");
    }

    @Test
    void noChecksIsLive() {
        assertThat(new HealthReport(Map.of()).json()).isEqualTo("{\"status\":\"UP\",\"checks\":{}}");
    }
}
