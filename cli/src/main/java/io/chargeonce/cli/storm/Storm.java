package io.chargeonce.cli.storm;

import io.chargeonce.cli.load.LoadGenerator;
import io.chargeonce.cli.load.LoadPlan;
import io.chargeonce.cli.load.LoadProgress;
import io.chargeonce.cli.load.LoadRun;
import io.chargeonce.cli.load.PaymentOutcome;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A storm of payment requests at one target: the load for a bounded time with progress lines, then
 * the drain (every accepted payment must reach a final status), then the facts from the real
 * systems and the report. Knows nothing about how the target was started.
 */
public final class Storm {

    /** How long an app keeps retrying one payment through an outage before it gives up. */
    private static final Duration PAYMENT_DEADLINE = Duration.ofSeconds(60);
    /** Status polls per second once the load is over: the API then has room, and the drain ends sooner. */
    private static final double DRAIN_POLLS_PER_SECOND = 500;

    private final StormTarget target;
    private final StormSettings settings;
    private final Clock clock;
    private final PrintStream out;

    public Storm(StormTarget target, StormSettings settings, Clock clock, PrintStream out) {
        this.target = target;
        this.settings = settings;
        this.clock = clock;
        this.out = out;
    }

    public StormReport run() throws InterruptedException {
        LoadPlan.StatusPolling polling = LoadPlan.StatusPolling.everyPayment()
                .withSampleRatio(settings.statusSample())
                .withMaxPerSecond(settings.statusPollsPerSecond(), Math.max(settings.statusPollsPerSecond(), DRAIN_POLLS_PER_SECOND))
                .withDeadline(settings.drainTimeout());
        LoadPlan plan = LoadPlan.builder(target.apiUrl(), target.apiKeys())
                .duration(settings.duration())
                .clients(settings.clients())
                .ratePerSecond(settings.ratePerSecond())
                .duplicateRatio(settings.duplicateRatio())
                .declineRatio(settings.declineRatio())
                .seed(settings.seed())
                .paymentDeadline(PAYMENT_DEADLINE)
                .statusPolling(polling)
                .build();
        out.printf("storm: %d s, %d clients, rate %s, duplicate ratio %.2f, %d merchant(s), seed %d ...%n",
                settings.duration().toSeconds(), settings.clients(),
                settings.ratePerSecond() > 0 ? settings.ratePerSecond() + "/s" : "as fast as the clients can",
                settings.duplicateRatio(), target.apiKeys().size(), settings.seed());

        Instant started = clock.instant();
        try (LoadRun run = new LoadGenerator(clock).start(plan)) {
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("storm-progress").factory());
            try {
                long every = settings.progressEvery().toMillis();
                ticker.scheduleAtFixedRate(() -> progress(run, started), every, every, TimeUnit.MILLISECONDS);
                Duration patience = settings.duration().plus(PAYMENT_DEADLINE).plus(settings.drainTimeout());
                if (!run.awaitFinished(patience)) {
                    out.printf("warning: the load had not finished after %d s; reporting what it saw%n", patience.toSeconds());
                }
            } finally {
                ticker.shutdownNow();
            }
            Instant generationEnd = run.generationEndedAt().orElse(clock.instant());
            List<PaymentOutcome> outcomes = run.results();
            LoadProgress progress = run.progress();
            out.printf("load finished after %.1f s: %d payments, %d accepted; checking the systems ...%n",
                    seconds(started, clock.instant()), outcomes.size(), progress.accepted());

            Instant drainDeadline = clock.instant().plus(settings.drainTimeout());
            StormFacts facts = new StormFactsReader(target, clock, out)
                    .read(outcomes.stream().filter(PaymentOutcome::accepted).toList(), drainDeadline);
            StormReport.Load load = new StormReport.Load(outcomes, progress, run.postLatencies(),
                    Duration.between(run.startedAt(), generationEnd));
            return new StormReport(settings, target.apiKeys().size(), load, facts,
                    Duration.between(started, clock.instant()));
        }
    }

    private void progress(LoadRun run, Instant started) {
        LoadProgress p = run.progress();
        double t = seconds(started, clock.instant());
        String phase = run.generationEndedAt().isPresent()
                ? String.format(", draining: %d followed payments not final yet", run.statusPending())
                : "";
        out.printf("  [%5.1f s] %d payments accepted (%.0f/s), %d POSTs (%d replays, %d x 409, %d x 5xx, %d unanswered), "
                        + "%d final statuses seen%s%n",
                t, p.accepted(), p.accepted() / t, p.posts(), p.replays(), p.conflicts(), p.serverErrors(),
                p.transportErrors(), p.finalVisible(), phase);
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0.001, Duration.between(from, to).toNanos() / 1e9);
    }
}
