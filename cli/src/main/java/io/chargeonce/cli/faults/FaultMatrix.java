package io.chargeonce.cli.faults;

import io.chargeonce.cli.cluster.ClusterOptions;
import io.chargeonce.cli.cluster.ProcessCluster;
import io.chargeonce.cli.load.LoadGenerator;
import io.chargeonce.cli.load.LoadPlan;
import io.chargeonce.cli.load.LoadRun;
import io.chargeonce.cli.load.PaymentOutcome;
import io.chargeonce.cli.verify.Backlog;
import io.chargeonce.cli.verify.Drain;
import io.chargeonce.cli.verify.HistoryReader;
import io.chargeonce.cli.verify.HistoryVerifier;
import io.chargeonce.cli.verify.Verdict;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fault matrix: for each seed a fresh {@link ProcessCluster} (every service its own process),
 * then every row in turn: payments flow, the row's fault lands at a seeded random moment, the
 * cluster recovers, the backlog drains, and the verifier judges the complete history so far. Rows
 * share the cluster, so each later row is also checked against everything that happened before it.
 */
public final class FaultMatrix {

    /** Tuned so a fault's consequences show within a row on two cores: quick fencing, a short retry cap. */
    public static ClusterOptions clusterOptions() {
        return ClusterOptions.builder()
                .processors(1)
                .providerTimeout(Duration.ofSeconds(1))
                .maxAttempts(4)
                .retryMaxBackoff(Duration.ofSeconds(1))
                .build();
    }

    private final MatrixSettings settings;
    private final ClusterOptions options;
    private final PrintStream out;

    public FaultMatrix(MatrixSettings settings, ClusterOptions options, PrintStream out) {
        this.settings = settings;
        this.options = options;
        this.out = out;
    }

    public List<RowResult> run() throws Exception {
        List<RowResult> results = new ArrayList<>();
        for (long seed : settings.seeds()) {
            out.printf("seed %d: starting a cluster of processes ...%n", seed);
            try (ProcessCluster cluster = ProcessCluster.start(options)) {
                out.printf("seed %d: cluster up in %.1f s%n", seed, cluster.startTime().toMillis() / 1000.0);
                long previousDuplicates = 0;
                long previousNeedsAttention = 0;
                for (Fault fault : settings.faults()) {
                    RowResult row = runRow(cluster, fault, seed, previousDuplicates, previousNeedsAttention);
                    previousDuplicates += row.duplicatesAbsorbed();
                    previousNeedsAttention += row.needsAttention();
                    results.add(row);
                    out.println(row.line());
                    if (!row.passed()) {
                        row.verdict().violations().forEach(v -> out.println("    VIOLATED " + v.describe(10)));
                        row.rowViolations().forEach(v -> out.println("    VIOLATED " + v));
                    }
                }
            }
        }
        return results;
    }

    private RowResult runRow(ProcessCluster cluster, Fault fault, long seed, long duplicatesBefore,
                             long needsAttentionBefore) throws Exception {
        long started = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed * 1_000 + fault.ordinal());
        cluster.provider().setFaults(Injections.baseline(random.nextLong()));
        out.printf("  %s: %s%n", fault.label(), fault.description());

        LoadPlan plan = LoadPlan.builder(cluster.apiUrl(), List.of(cluster.apiKey(0), cluster.apiKey(1)))
                .payments(settings.paymentsPerRow())
                .clients(settings.clients())
                .ratePerSecond(settings.ratePerSecond())
                .duplicateRatio(0.3)
                .declineRatio(0.05)
                .seed(random.nextLong())
                .runId(fault.label().replace("-", "") + "-" + seed)
                .paymentDeadline(Duration.ofMinutes(3))
                .statusPolling(LoadPlan.StatusPolling.off())
                .build();
        FaultRun run;
        List<PaymentOutcome> outcomes;
        ExecutorService injector = Executors.newSingleThreadExecutor(r -> new Thread(r, "fault-" + fault.label()));
        try (LoadRun load = new LoadGenerator(Clock.systemUTC()).start(plan)) {
            run = new FaultRun(cluster, random, load, out);
            FaultRun context = run;
            CompletableFuture<Void> injection = CompletableFuture.runAsync(() -> {
                try {
                    Injections.inject(fault, context);
                } catch (Exception e) {
                    throw new IllegalStateException("injecting " + fault.label() + " failed: " + e.getMessage(), e);
                }
            }, injector);
            load.awaitFinished(Duration.ofMinutes(5));
            awaitInjection(injection, fault);
            outcomes = load.results();
        } finally {
            injector.shutdownNow();
        }

        Verdict verdict;
        boolean drained;
        try (HistoryReader reader = new HistoryReader(cluster.historySources(), Clock.systemUTC())) {
            Drain drain = reader.awaitDrained(Instant.now().plus(settings.drainTimeout()));
            drained = drain.drained();
            if (!drained) {
                out.printf("    not drained after %d s: %s%n", settings.drainTimeout().toSeconds(), drain);
            }
            verdict = new HistoryVerifier(Backlog.DRAINED).verify(reader.read());
        }
        int accepted = (int) outcomes.stream().filter(PaymentOutcome::accepted).count();
        long gaveUp = outcomes.stream().filter(o -> !o.accepted()).count();
        return new RowResult(fault, seed, accepted, run.injectedCount(),
                verdict.statistics().duplicatesAbsorbed() - duplicatesBefore,
                verdict.statistics().needsAttention() - needsAttentionBefore, gaveUp, drained, verdict,
                run.violations(), Duration.ofNanos(System.nanoTime() - started));
    }

    private static void awaitInjection(CompletableFuture<Void> injection, Fault fault) throws Exception {
        try {
            injection.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the " + fault.label() + " injector failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the " + fault.label() + " injector did not finish within 5 minutes", e);
        }
    }
}
