package io.chargeonce.sandbox.provider;

import io.chargeonce.sandbox.ProviderStats;
import java.util.concurrent.atomic.AtomicLong;

/** Request counters of the simulated provider; see {@link ProviderStats} for their meaning. */
public final class Counters {

    final AtomicLong requests = new AtomicLong();
    final AtomicLong charges = new AtomicLong();
    final AtomicLong declines = new AtomicLong();
    final AtomicLong replays = new AtomicLong();
    final AtomicLong conflicts = new AtomicLong();
    final AtomicLong idempotencyErrors = new AtomicLong();
    final AtomicLong serverErrors = new AtomicLong();
    final AtomicLong droppedResponses = new AtomicLong();
    final AtomicLong refunds = new AtomicLong();
    final AtomicLong refundRefusals = new AtomicLong();

    public ProviderStats snapshot(long inFlight) {
        return new ProviderStats(requests.get(), charges.get(), declines.get(), replays.get(), conflicts.get(),
                idempotencyErrors.get(), serverErrors.get(), droppedResponses.get(), inFlight, refunds.get(),
                refundRefusals.get());
    }

    public void clear() {
        for (AtomicLong counter : new AtomicLong[] {
            requests, charges, declines, replays, conflicts, idempotencyErrors, serverErrors, droppedResponses,
            refunds, refundRefusals}) {
            counter.set(0);
        }
    }
}
