package io.chargeonce.cli.deadletter;

import io.chargeonce.events.FailureClass;
import io.chargeonce.schemas.Topics;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/** Options every {@code dlt} verb shares: where, as whom, and which dead letters. */
public final class DltOptions {

    @Option(names = "--bootstrap-servers", defaultValue = DltSettings.DEFAULT_BOOTSTRAP_SERVERS,
            description = "Kafka (default ${DEFAULT-VALUE}, `chargeonce up`).")
    String bootstrapServers;

    @Option(names = "--registry-url", defaultValue = DltSettings.DEFAULT_REGISTRY_URL,
            description = "Schema registry (default ${DEFAULT-VALUE}).")
    String registryUrl;

    @Option(names = "--topic-prefix", defaultValue = DltSettings.DEFAULT_TOPIC_PREFIX,
            description = "Topic catalog prefix (default ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--client-config", paramLabel = "<file>",
            description = {"Kafka client properties for this tool only (like Kafka's --command-config): "
                    + "security.protocol, sasl.mechanism, sasl.jaas.config, ssl.*. The services' credentials are never used."})
    Path clientConfig;

    @Option(names = "--principal",
            description = "Who is acting, recorded in the audit (default: the user --client-config logs in as, "
                    + "else the OS user). Refused if it differs from that login.")
    String principal;

    @Option(names = "--class", split = ",", paramLabel = "<class>",
            description = "Failure classes: undeserializable, invalid-request, provider-terminal, idempotency-conflict (default: all).")
    List<String> classes = List.of();

    @Option(names = "--fingerprint", description = "Only dead letters with this fingerprint.")
    String fingerprint;

    @Option(names = "--payment-id", description = "Only dead letters of this payment.")
    String paymentId;

    @Option(names = "--since", description = "Dead-lettered at or after: an ISO instant (2026-03-01T10:00:00Z) or an age (30m, 2h, 1d).")
    String since;

    @Option(names = "--until", description = "Dead-lettered before: an ISO instant or an age.")
    String until;

    public DltSettings settings() {
        Properties client = DltSettings.load(clientConfig);
        return new DltSettings(bootstrapServers, registryUrl, Topics.withPrefix(topicPrefix), client,
                DltSettings.principal(principal, client));
    }

    public Selection selection(Clock clock) {
        Set<FailureClass> wanted = EnumSet.noneOf(FailureClass.class);
        for (String name : classes) {
            wanted.add(failureClass(name));
        }
        return new Selection(wanted, fingerprint, paymentId, time(since, clock), time(until, clock));
    }

    static FailureClass failureClass(String name) {
        try {
            return FailureClass.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown failure class '" + name + "'; one of undeserializable, "
                    + "invalid-request, provider-terminal, idempotency-conflict");
        }
    }

    static Instant time(String text, Clock clock) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.matches("\\d+[smhd]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                Duration age = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return clock.instant().minus(age);
            }
            throw new IllegalArgumentException("'" + text + "' is neither an ISO instant nor an age like 30m, 2h, 1d");
        }
    }
}
