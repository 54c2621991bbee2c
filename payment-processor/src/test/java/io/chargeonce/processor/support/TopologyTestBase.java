package io.chargeonce.processor.support;

import io.chargeonce.processor.ProcessorConfig;
import io.chargeonce.schemas.SchemaRegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** One fake registry per test class, one driver per test, each on its own state directory. */
public abstract class TopologyTestBase {
    protected static FakeSchemaRegistry registryServer;
    protected static SchemaRegistryClient registry;

    @TempDir
    protected Path stateDir;
    private TopologyHarness harness;

    @BeforeAll
    static void startRegistry() throws IOException {
        registryServer = new FakeSchemaRegistry();
        registry = new SchemaRegistryClient(registryServer.url());
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
        registryServer.close();
    }

    @AfterEach
    void closeDriver() {
        if (harness != null) {
            harness.close();
        }
    }

    protected TopologyHarness start(UnaryOperator<ProcessorConfig.Builder> settings) {
        return start(settings, new MutableClock(TopologyHarness.START), new FakeGateway());
    }

    protected TopologyHarness start(UnaryOperator<ProcessorConfig.Builder> settings, MutableClock clock, FakeGateway gateway) {
        if (harness != null) {
            harness.close();
        }
        harness = new TopologyHarness(settings.apply(TopologyHarness.config(registryServer.url(), stateDir)).build(),
                registry, clock, gateway);
        return harness;
    }

    protected TopologyHarness start() {
        return start(UnaryOperator.identity());
    }
}
