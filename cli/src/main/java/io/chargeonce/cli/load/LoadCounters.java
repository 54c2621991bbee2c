package io.chargeonce.cli.load;

import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link LoadProgress}, bumped by the clients and the status poller. */
final class LoadCounters {
    final LongAdder started = new LongAdder();
    final LongAdder finished = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder gaveUp = new LongAdder();
    final LongAdder posts = new LongAdder();
    final LongAdder replays = new LongAdder();
    final LongAdder conflicts = new LongAdder();
    final LongAdder serverErrors = new LongAdder();
    final LongAdder transportErrors = new LongAdder();
    final LongAdder statusPolls = new LongAdder();
    final LongAdder finalVisible = new LongAdder();

    LoadProgress snapshot() {
        return new LoadProgress(started.sum(), finished.sum(), accepted.sum(), gaveUp.sum(), posts.sum(),
                replays.sum(), conflicts.sum(), serverErrors.sum(), transportErrors.sum(), statusPolls.sum(),
                finalVisible.sum());
    }
}
