package io.chargeonce.cli.cluster;

import io.chargeonce.sandbox.Component;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.sandbox.SandboxConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A service process that cannot start says why, with its own words, in the exception. */
class ServiceProcessTest {

    @Test
    void aServiceThatCannotStartFailsWithTheTailOfItsLogs(@TempDir Path logs) {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.freePorts().withComponents(Component.PROVIDER))) {
            ServiceProcess api = new ServiceProcess("api", "api",
                    Map.of("CHARGEONCE_API_JDBC_URL", "mysql://nowhere", "CHARGEONCE_LOG_FILE", logs.resolve("api.log").toString()),
                    List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"), logs, sandbox, Duration.ofSeconds(60));

            assertThatThrownBy(api::start)
                    .isInstanceOf(ClusterStartException.class)
                    .hasMessageContaining("api exited with code 1 before it was ready")
                    .hasMessageContaining("jdbcUrl must be a Postgres JDBC URL");
            assertThat(api.isAlive()).isFalse();
            assertThat(api.exitCode()).hasValue(1);
            assertThat(logs.resolve("api.out")).content().contains("api service failed to start");
        }
    }
}
