package io.chargeonce.outbox;

import io.chargeonce.sandbox.Component;
import io.chargeonce.sandbox.PostgresNode;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.sandbox.SandboxConfig;

/**
 * A Postgres-only sandbox for this module's tests, one per JVM: the outbox writer needs neither
 * Kafka nor a registry, and starting them would triple the start-up on a 2-core machine. The
 * sandbox registers its own shutdown hook.
 */
final class TestPostgres {

    private static Sandbox sandbox;

    private TestPostgres() {
    }

    static synchronized PostgresNode node() {
        if (sandbox == null) {
            sandbox = Sandbox.start(SandboxConfig.freePorts().withComponents(Component.POSTGRES));
        }
        return sandbox.postgres();
    }
}
