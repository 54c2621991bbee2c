package io.chargeonce.cli.load;

import java.time.Clock;
import java.util.Objects;

/**
 * Fires payment requests at a payment-api like a crowd of real apps: at a target rate or as fast as
 * its clients can, for a bounded time or count, with duplicates (lost-response retries, double and
 * triple taps), and retrying through outages with the same Idempotency-Key. Used by
 * {@code chargeonce storm} and by the fault matrix, which runs faults under its load.
 *
 * <pre>{@code
 * LoadRun run = new LoadGenerator(Clock.systemUTC()).start(LoadPlan.builder(url, keys).payments(100).build());
 * run.awaitFinished(Duration.ofMinutes(2));
 * List<PaymentOutcome> outcomes = run.results();
 * }</pre>
 */
public final class LoadGenerator {

    private final Clock clock;

    /** @param clock dates every request and status; waits are real waits, so give it a clock that ticks */
    public LoadGenerator(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts the plan on its own threads and returns at once. */
    public LoadRun start(LoadPlan plan) {
        LoadRun run = new LoadRun(plan, clock);
        run.start();
        return run;
    }
}
