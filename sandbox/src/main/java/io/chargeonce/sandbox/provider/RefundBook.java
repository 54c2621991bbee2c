package io.chargeonce.sandbox.provider;

import io.chargeonce.sandbox.ProviderRefund;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * The refund keys, the ledger of refunds made and how much of each charge was refunded.
 *
 * <p>Two keys refunding one charge at the same time must never both fit into the same unrefunded
 * amount, so reading the unrefunded amount, deciding and storing the answer happen under one lock
 * ({@link #decide}); storing a refund anywhere else is refused. One lock for every charge is plenty
 * for a simulator; a lock, not {@code synchronized}, so virtual threads never pin their carrier.
 */
public final class RefundBook extends IdempotencyBook<RefundRequest, RefundBook.Outcome> {

    /** What a refund key decided. */
    public sealed interface Outcome permits Refunded, Refused {
    }

    /** Money went back. */
    public record Refunded(ProviderRefund refund) implements Outcome {
    }

    /**
     * A definite refusal ({@code resource_missing}, {@code charge_not_refundable}, {@code amount_too_large},
     * {@code charge_already_refunded}); {@code currency} is the charge's, null if there is no such charge.
     */
    public record Refused(String code, String message, String currency, Instant decidedAt) implements Outcome {
    }

    /** The answer decided, and whether it was stored (false only if a reset cleared the key meanwhile). */
    public record Decision(Settled<RefundRequest, Outcome> answer, boolean stored) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Long> refundedByCharge = new HashMap<>(); // guarded by lock
    private final ConcurrentLinkedQueue<ProviderRefund> ledger = new ConcurrentLinkedQueue<>();

    /**
     * Gives {@code decider} what is left to refund of the charge ({@code chargedAmount} minus the refunds
     * made against it) and stores its answer under {@code key}, both under the one refund lock.
     */
    public Decision decide(String key, InFlight<RefundRequest, Outcome> mine, String chargeId, long chargedAmount,
            LongFunction<Settled<RefundRequest, Outcome>> decider) {
        lock.lock();
        try {
            long unrefunded = chargedAmount - refundedByCharge.getOrDefault(chargeId, 0L);
            Settled<RefundRequest, Outcome> answer = decider.apply(unrefunded);
            return new Decision(answer, settle(key, mine, answer));
        } finally {
            lock.unlock();
        }
    }

    /** Stores the answer and records a refund made; only {@link #decide} may store a refund. */
    @Override
    public boolean settle(String key, InFlight<RefundRequest, Outcome> mine, Settled<RefundRequest, Outcome> answer) {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("refund answers are stored only by decide(), which checks the unrefunded amount");
        }
        if (!super.settle(key, mine, answer)) {
            return false;
        }
        if (answer.outcome() instanceof Refunded(ProviderRefund refund)) {
            refundedByCharge.merge(refund.chargeId(), refund.amount(), Long::sum);
            ledger.add(refund);
        }
        return true;
    }

    /** Refunds in the order they were made. */
    public List<ProviderRefund> ledger() {
        return List.copyOf(ledger);
    }

    /** Forgets every key, refund and refunded amount, including keys still in flight. */
    @Override
    public void clear() {
        lock.lock();
        try {
            super.clear();
            ledger.clear();
            refundedByCharge.clear();
        } finally {
            lock.unlock();
        }
    }
}
