package io.chargeonce.schemas;

import io.chargeonce.sandbox.Component;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.sandbox.SandboxConfig;

/**
 * The registry the integration tests talk to: a real Apicurio Registry from the sandbox, started once
 * per test JVM on a free port and stopped by the sandbox's shutdown hook. Only the registry is
 * started, not {@link Sandbox#shared()}'s Postgres and Kafka, which this module never uses.
 *
 * <p>{@code -Dchargeonce.test.registry.url=...} runs the same tests against another
 * Confluent-compatible registry, e.g. a real Confluent Schema Registry, to check the "same bytes"
 * claim there.
 */
final class TestRegistry {

    private TestRegistry() {
    }

    static String url() {
        String other = System.getProperty("chargeonce.test.registry.url");
        if (other != null && !other.isBlank()) {
            return other;
        }
        return SandboxRegistry.SANDBOX.registry().url();
    }

    /** A fresh client: no cached ids or schemas, so every lookup really reaches the registry. */
    static SchemaRegistryClient freshClient() {
        return new SchemaRegistryClient(url());
    }

    /** Holder: the sandbox starts on first use only, so offline tests never pay for it. */
    private static final class SandboxRegistry {
        static final Sandbox SANDBOX = Sandbox.start(SandboxConfig.freePorts().withComponents(Component.REGISTRY));
    }
}
