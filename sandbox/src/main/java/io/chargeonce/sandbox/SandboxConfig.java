package io.chargeonce.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where and what a {@link Sandbox} runs.
 *
 * <p>A port of {@code 0} means "any free port, chosen when the component starts": tests use that
 * ({@link #freePorts()}) so several JVMs on one machine never collide, and a component whose port was
 * taken by someone else between choosing and binding is retried on a new one. Fixed ports
 * ({@link #defaults()}) are what {@code chargeonce up} uses so people can point tools at them; a fixed
 * port already in use fails the start with a message naming it.
 *
 * @param postgresPort  Postgres port; default 5433 so it never fights a system Postgres on 5432
 * @param kafkaPort     Kafka client listener port; default 9092, what every Kafka tool assumes. The
 *                      broker's internal controller listener always takes a free port.
 * @param registryPort  schema registry HTTP port; default 8081, Confluent's usual port
 * @param providerPort  payment-provider simulator HTTP port; default 8090
 * @param workDir       parent of each sandbox instance's data directory (Postgres data, Kafka logs,
 *                      registry log); everything under it is deleted on close. Default: the temp dir,
 *                      cheap and cleaned by the OS; point it at a disk with room for long runs.
 * @param components    which components to start; fewer components start faster and use less memory
 * @param startTimeout  how long one component may take to become ready before the start fails; long
 *                      enough for a cold registry unpack on a slow two-core machine, short enough that a
 *                      hung start is reported instead of stalling a build
 * @param kafkaMode     where the broker runs: {@link KafkaMode#IN_PROCESS} (default: fastest, cheapest,
 *                      what every integration test uses) or {@link KafkaMode#CHILD_PROCESS}, a JVM of
 *                      its own that a fault test can SIGKILL and start again on the same data
 * @param kafkaSecurity who may use the broker: {@link KafkaSecurity#NONE} (default: PLAINTEXT, no
 *                      ACLs, what every tool and test assumes) or SASL/PLAIN users with ACLs enforced,
 *                      for a test that must prove a tool works with its own, limited credentials
 */
public record SandboxConfig(
        int postgresPort,
        int kafkaPort,
        int registryPort,
        int providerPort,
        Path workDir,
        Set<Component> components,
        Duration startTimeout,
        KafkaMode kafkaMode,
        KafkaSecurity kafkaSecurity) {

    public static final int DEFAULT_POSTGRES_PORT = 5433;
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_REGISTRY_PORT = 8081;
    public static final int DEFAULT_PROVIDER_PORT = 8090;
    /** Port value meaning "choose a free port at start". */
    public static final int ANY_FREE_PORT = 0;

    public SandboxConfig {
        checkPort("postgres", postgresPort);
        checkPort("kafka", kafkaPort);
        checkPort("registry", registryPort);
        checkPort("provider", providerPort);
        if (workDir == null) {
            throw new IllegalArgumentException("the sandbox needs a work dir");
        }
        workDir = workDir.toAbsolutePath().normalize();
        if (components == null || components.isEmpty()) {
            throw new IllegalArgumentException("select at least one component");
        }
        components = Collections.unmodifiableSet(EnumSet.copyOf(components));
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
        }
        if (kafkaMode == null) {
            throw new IllegalArgumentException("kafkaMode must be IN_PROCESS or CHILD_PROCESS");
        }
        if (kafkaSecurity == null) {
            throw new IllegalArgumentException("kafkaSecurity must be given; KafkaSecurity.NONE for none");
        }
    }

    /** Documented fixed ports (Postgres 5433, Kafka 9092, registry 8081, provider 8090), every component. */
    public static SandboxConfig defaults() {
        return new SandboxConfig(DEFAULT_POSTGRES_PORT, DEFAULT_KAFKA_PORT, DEFAULT_REGISTRY_PORT,
                DEFAULT_PROVIDER_PORT, defaultWorkDir(), EnumSet.allOf(Component.class), Duration.ofSeconds(120),
                KafkaMode.IN_PROCESS, KafkaSecurity.NONE);
    }

    /** Every component on free ports: what tests use. */
    public static SandboxConfig freePorts() {
        return defaults().withPostgresPort(ANY_FREE_PORT).withKafkaPort(ANY_FREE_PORT)
                .withRegistryPort(ANY_FREE_PORT).withProviderPort(ANY_FREE_PORT);
    }

    /** The temp dir's {@code chargeonce-sandbox} folder, which is also where instances register for reaping. */
    public static Path defaultWorkDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "chargeonce-sandbox");
    }

    public SandboxConfig withPostgresPort(int port) {
        return new SandboxConfig(port, kafkaPort, registryPort, providerPort, workDir, components, startTimeout,
                kafkaMode, kafkaSecurity);
    }

    public SandboxConfig withKafkaPort(int port) {
        return new SandboxConfig(postgresPort, port, registryPort, providerPort, workDir, components, startTimeout,
                kafkaMode, kafkaSecurity);
    }

    public SandboxConfig withRegistryPort(int port) {
        return new SandboxConfig(postgresPort, kafkaPort, port, providerPort, workDir, components, startTimeout,
                kafkaMode, kafkaSecurity);
    }

    public SandboxConfig withProviderPort(int port) {
        return new SandboxConfig(postgresPort, kafkaPort, registryPort, port, workDir, components, startTimeout,
                kafkaMode, kafkaSecurity);
    }

    public SandboxConfig withWorkDir(Path dir) {
        return new SandboxConfig(postgresPort, kafkaPort, registryPort, providerPort, dir, components, startTimeout,
                kafkaMode, kafkaSecurity);
    }

    public SandboxConfig withComponents(Component first, Component... more) {
        EnumSet<Component> selected = EnumSet.of(first);
        selected.addAll(Arrays.asList(more));
        return new SandboxConfig(postgresPort, kafkaPort, registryPort, providerPort, workDir, selected, startTimeout,
                kafkaMode, kafkaSecurity);
    }

    public SandboxConfig withStartTimeout(Duration timeout) {
        return new SandboxConfig(postgresPort, kafkaPort, registryPort, providerPort, workDir, components, timeout,
                kafkaMode, kafkaSecurity);
    }

    public SandboxConfig withKafkaMode(KafkaMode mode) {
        return new SandboxConfig(postgresPort, kafkaPort, registryPort, providerPort, workDir, components, startTimeout,
                mode, kafkaSecurity);
    }

    public SandboxConfig withKafkaSecurity(KafkaSecurity security) {
        return new SandboxConfig(postgresPort, kafkaPort, registryPort, providerPort, workDir, components, startTimeout,
                kafkaMode, security);
    }

    public boolean includes(Component component) {
        return components.contains(component);
    }

    /** The port asked for a component ({@link #ANY_FREE_PORT} if it is chosen at start). */
    public int port(Component component) {
        return switch (component) {
            case POSTGRES -> postgresPort;
            case KAFKA -> kafkaPort;
            case REGISTRY -> registryPort;
            case PROVIDER -> providerPort;
        };
    }

    /** One line per selected component with its planned port, and the work dir. */
    public String describe() {
        StringBuilder text = new StringBuilder("sandbox config, work dir ").append(workDir);
        for (Component component : components) {
            int port = port(component);
            text.append(System.lineSeparator()).append("  ").append(component.label()).append(": port ")
                    .append(port == ANY_FREE_PORT ? "any free" : Integer.toString(port));
            if (component == Component.KAFKA) {
                text.append(kafkaMode == KafkaMode.IN_PROCESS ? ", in this JVM" : ", child JVM");
                if (kafkaSecurity.enabled()) {
                    text.append(", ").append(kafkaSecurity);
                }
            }
        }
        return text.toString();
    }

    private static void checkPort(String component, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(component + " port must be 0 (any free) or 1-65535, was " + port);
        }
    }
}
