package io.chargeonce.cli;

import io.chargeonce.cli.storm.Storm;
import io.chargeonce.cli.storm.StormReport;
import io.chargeonce.cli.storm.StormSettings;
import io.chargeonce.cli.storm.StormTarget;
import io.chargeonce.sandbox.ProviderFaults;
import io.chargeonce.schemas.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code chargeonce storm}: a storm of payment requests with duplicates, against a stack it starts
 * itself or an existing one; reports throughput, latencies and each layer's deduplication, and
 * exits non-zero if a payment was charged twice, lost or left stuck. A command, never a timed test.
 */
@Command(name = "storm", mixinStandardHelpOptions = true,
        description = {"Fire a storm of payment requests with duplicates (retries after lost responses, double and "
                + "triple taps) at payment-api for a bounded time; report throughput, journey and POST latency, and "
                + "the deduplication at each layer (API, inbox, provider), read from the real systems.",
                "Starts the whole stack in this process unless --api-url names a running one. "
                        + "Exits 0 only if no payment was charged twice, lost, stuck or refused."})
public final class StormCommand implements Callable<Integer> {

    @Option(names = "--seconds", defaultValue = "30", description = "How long new payments are started (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--duplicate-ratio", defaultValue = "0.3",
            description = "Share of payments sent more than once with one Idempotency-Key (default ${DEFAULT-VALUE}).")
    double duplicateRatio;

    @Option(names = "--clients", defaultValue = "16", description = "Apps paying at the same time (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rate", defaultValue = "0",
            description = "Target payments per second; 0 = as fast as the clients can (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the load and the provider's faults (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--decline-ratio", defaultValue = "0.02",
            description = "Share of payments for customers the provider declines (default ${DEFAULT-VALUE}).")
    double declineRatio;

    @Option(names = "--drain-seconds", defaultValue = "120",
            description = "After the storm, how long payments may take to reach a final status before they count as stuck (default ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Option(names = "--status-sample", defaultValue = "0.25",
            description = "Share of payments whose final status is polled for the journey latency; the API dates each "
                    + "final status itself, so a sample measures exactly and costs the API less (default ${DEFAULT-VALUE}).")
    double statusSample;

    @Option(names = "--status-rate", defaultValue = "50",
            description = "Cap on status polls per second while the storm blows, so measuring does not become the load; "
                    + "the drain after it polls faster (default ${DEFAULT-VALUE}).")
    double statusRate;

    @Option(names = "--progress-seconds", defaultValue = "5", description = "Seconds between progress lines (default ${DEFAULT-VALUE}).")
    int progressSeconds;

    @Option(names = "--free-ports", description = "Start the stack on free ports instead of the documented defaults (8080, 8081, 8090, 9092, 5433).")
    boolean freePorts;

    @Option(names = "--merchants", defaultValue = "2",
            description = "Merchants the storm pays on a stack it starts (default ${DEFAULT-VALUE}).")
    int merchants;

    @Option(names = "--provider-latency-ms", defaultValue = "20",
            description = "On a stack it starts: provider latency, plus up to as much jitter (default ${DEFAULT-VALUE}).")
    long providerLatencyMs;

    @Option(names = "--provider-drop-rate", defaultValue = "0.02",
            description = "On a stack it starts: share of charges whose answer the provider drops (default ${DEFAULT-VALUE}).")
    double providerDropRate;

    @Option(names = "--provider-error-rate", defaultValue = "0.01",
            description = "On a stack it starts: share of charge requests the provider fails with 5xx (default ${DEFAULT-VALUE}).")
    double providerErrorRate;

    @Option(names = "--api-url", description = "Storm a running payment-api instead of starting a stack.")
    String apiUrl;

    @Option(names = "--api-key", description = "A merchant's API key for --api-url; repeat for several merchants.")
    List<String> apiKeys = new ArrayList<>();

    @Option(names = "--provider-url", description = "With --api-url: the provider simulator, to count its replays and charges.")
    String providerUrl;

    @Option(names = "--bootstrap-servers", description = "With --api-url: Kafka, to read the request and result topics.")
    String bootstrapServers;

    @Option(names = "--topic-prefix", defaultValue = "chargeonce", description = "With --api-url: the stack's topic prefix (default ${DEFAULT-VALUE}).")
    String topicPrefix;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        StormSettings settings = new StormSettings(Duration.ofSeconds(seconds), clients, rate, duplicateRatio,
                declineRatio, seed, Duration.ofSeconds(progressSeconds), Duration.ofSeconds(drainSeconds),
                statusSample, statusRate);
        if (apiUrl != null) {
            if (apiKeys.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--api-url needs at least one --api-key");
            }
            StormTarget target = new StormTarget(apiUrl, apiKeys, providerUrl, bootstrapServers,
                    Topics.withPrefix(topicPrefix), null);
            return finish(new Storm(target, settings, Clock.systemUTC(), out).run(), out);
        }
        String key = ApiKeys.demoKey();
        Stack.Options options = freePorts ? Stack.Options.freePorts(key) : Stack.Options.defaults(key);
        try (Stack stack = Stack.start(options, out)) {
            List<String> keys = new ArrayList<>(List.of(stack.apiKey()));
            SecureRandom random = new SecureRandom();
            for (int i = 2; i <= merchants; i++) {
                byte[] bytes = new byte[24];
                random.nextBytes(bytes);
                String merchantKey = "sk_storm_" + HexFormat.of().formatHex(bytes);
                stack.api().merchants().provision("storm-merchant-" + i, merchantKey);
                keys.add(merchantKey);
            }
            stack.sandbox().provider().setFaults(ProviderFaults.none()
                    .withLatency(providerLatencyMs, providerLatencyMs)
                    .withDropResponseRate(providerDropRate)
                    .withServerErrorRate(providerErrorRate)
                    .withSeed(seed));
            out.printf("provider simulator: %d-%d ms latency, %.0f%% 5xx, %.0f%% answers dropped after charging%n",
                    providerLatencyMs, 2 * providerLatencyMs, 100 * providerErrorRate, 100 * providerDropRate);
            return finish(new Storm(StormTarget.of(stack, keys), settings, Clock.systemUTC(), out).run(), out);
        }
    }

    private static int finish(StormReport report, PrintStream out) {
        report.print(out);
        return report.holds() ? 0 : 1;
    }
}
