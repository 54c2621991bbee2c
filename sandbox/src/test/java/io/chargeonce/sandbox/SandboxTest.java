package io.chargeonce.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SandboxTest {

    @Test
    void sharedSandboxIsOnePerJvmAndSaysWhereEverythingIs() {
        Sandbox sandbox = Sandbox.shared();

        assertThat(Sandbox.shared()).isSameAs(sandbox);
        assertThat(sandbox.startTimes()).containsOnlyKeys(EnumSet.allOf(Component.class));
        assertThat(sandbox.describe())
                .contains(sandbox.id())
                .contains("127.0.0.1:" + sandbox.postgres().port())
                .contains(sandbox.kafka().bootstrapServers())
                .contains(sandbox.registry().url())
                .contains(sandbox.provider().url());
    }

    @Test
    void closingTheSharedSandboxLeavesItRunningForTheNextTest() throws Exception {
        Sandbox.shared().close();

        HttpResponse<String> stats = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(Sandbox.shared().provider().url() + "/v1/sim/stats")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stats.statusCode()).isEqualTo(200);
    }

    @Test
    void aTakenFixedPortFailsTheStartByNameAndStopsWhatDidStart() throws Exception {
        int postgresPort = Ports.pickFree();
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(Ports.loopback(), 0));
            int taken = squatter.getLocalPort();
            SandboxConfig config = SandboxConfig.freePorts()
                    .withComponents(Component.POSTGRES, Component.PROVIDER)
                    .withPostgresPort(postgresPort)
                    .withProviderPort(taken);

            assertThatThrownBy(() -> Sandbox.start(config))
                    .isInstanceOf(SandboxStartException.class)
                    .hasMessageContaining("provider failed")
                    .hasMessageContaining("port " + taken + " is in use")
                    .asInstanceOf(type(SandboxStartException.class))
                    .extracting(SandboxStartException::failures)
                    .satisfies(failures -> assertThat(failures).containsOnlyKeys(Component.PROVIDER));
        }
        // Postgres did start, and was stopped again: its port is free
        assertThat(Ports.isFree(postgresPort)).isTrue();
    }

    @Test
    void closeFreesThePortsAndUnselectedComponentsSayWhy() {
        int port;
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.freePorts().withComponents(Component.PROVIDER))) {
            port = sandbox.provider().port();
            assertThat(Ports.isFree(port)).isFalse();
            assertThatThrownBy(sandbox::postgres)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("postgres is not part of this sandbox");
        }
        assertThat(Ports.isFree(port)).isTrue();
    }

    @Test
    void defaultsUseTheDocumentedPortsAndFreePortsNone() {
        SandboxConfig defaults = SandboxConfig.defaults();

        assertThat(defaults.postgresPort()).isEqualTo(5433);
        assertThat(defaults.kafkaPort()).isEqualTo(9092);
        assertThat(defaults.registryPort()).isEqualTo(8081);
        assertThat(defaults.providerPort()).isEqualTo(8090);
        assertThat(defaults.components()).isEqualTo(EnumSet.allOf(Component.class));
        assertThat(SandboxConfig.freePorts().describe()).contains("postgres: port any free");
        assertThatThrownBy(() -> defaults.withKafkaPort(70000)).hasMessageContaining("kafka port");
    }
}
