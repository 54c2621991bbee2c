package io.chargeonce.cli.faults;

import io.chargeonce.cli.cluster.ClusterOptions;
import io.chargeonce.cli.cluster.ProcessCluster;
import io.chargeonce.cli.load.LoadGenerator;
import io.chargeonce.cli.load.LoadPlan;
import io.chargeonce.cli.load.LoadRun;
import io.chargeonce.cli.load.PaymentOutcome;
import io.chargeonce.cli.load.RefundBook;
import io.chargeonce.cli.load.RefundOutcome;
import io.chargeonce.cli.load.RefundPlan;
import io.chargeonce.cli.load.RefundRun;
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
 * then every row in turn: payments flow and merchants refund some of the payments earlier rows
 * confirmed, the row's fault lands at a seeded random moment, the cluster recovers, the backlog
 * drains, and the verifier judges the complete history so far. Rows share the cluster, so each
 * later row is also checked against everything that happened before it, and its refunds ride on
 * payments the faults of earlier rows already went through. The first row of a cluster has nothing
 * to refund yet.
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
                RefundBook books = new RefundBook();
                for (Fault fault : settings.faults()) {
                    RowResult row = runRow(cluster, fault, seed, books, previousDuplicates, previousNeedsAttention);
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

    /** @param books the payments earlier rows accepted (refunded from) and what was refunded of them; gains this row's */
    private RowResult runRow(ProcessCluster cluster, Fault fault, long seed, RefundBook books, long duplicatesBefore,
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
        // seeded apart from the row's generator, so a seed's payments and fault moments stay what they were before refunds
        long refundSeed = (seed * 1_000 + fault.ordinal()) ^ 0x7e_f0_4d_5eL;
        RefundPlan refundPlan = RefundPlan.of(cluster.apiUrl(), plan.apiKeys(), settings.refundsPerRow(),
                settings.refundRatePerSecond(), refundSeed, "r" + plan.runId());
        FaultRun run;
        List<PaymentOutcome> outcomes;
        List<RefundOutcome> refunds;
        List<String> refundViolations = new ArrayList<>();
        ExecutorService injector = Executors.newSingleThreadExecutor(r -> new Thread(r, "fault-" + fault.label()));
        try (LoadRun load = new LoadGenerator(Clock.systemUTC()).start(plan);
             RefundRun refunding = RefundRun.start(refundPlan, books, Clock.systemUTC())) {
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
            if (!refunding.awaitFinished(Duration.ofMinutes(5))) {
                refundViolations.add("refund run " + refundPlan.runId() + " still sending after 5 minutes");
            }
            awaitInjection(injection, fault);
            outcomes = load.results();
            refunds = refunding.results();
            refundViolations.addAll(refunding.brokenPromises());
        } finally {
            injector.shutdownNow();
        }
        books.addAccepted(outcomes);

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
        int refundsAccepted = (int) refunds.stream().filter(RefundOutcome::accepted).count();
        long gaveUp = outcomes.stream().filter(o -> !o.accepted()).count() + refunds.stream().filter(RefundOutcome::gaveUp).count();
        List<String> violations = new ArrayList<>(run.violations());
        violations.addAll(refundViolations);
        return new RowResult(fault, seed, accepted, refundsAccepted, run.injectedCount(),
                verdict.statistics().duplicatesAbsorbed() - duplicatesBefore,
                verdict.statistics().needsAttention() - needsAttentionBefore, gaveUp, drained, verdict,
                violations, Duration.ofNanos(System.nanoTime() - started));
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
