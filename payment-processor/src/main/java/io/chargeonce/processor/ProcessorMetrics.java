package io.chargeonce.processor;

import io.chargeonce.events.FailureClass;
import io.chargeonce.events.RefundStatus;
import io.chargeonce.processor.gateway.ChargeOutcome;
import io.chargeonce.processor.gateway.RefundOutcome;
import io.chargeonce.processor.ledger.LedgerState;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Locale;
import java.util.Objects;

/**
 * The processor's counters. Counted when a decision is made on the stream thread, so a
 * transaction that aborts afterwards can make them run slightly ahead of the committed truth;
 * they are for operations dashboards, the topics are the record.
 */
public final class ProcessorMetrics {
    public static final String INBOX = "chargeonce.processor.inbox";
    public static final String LEDGER = "chargeonce.processor.ledger";
    public static final String PROVIDER_CALLS = "chargeonce.processor.provider.calls";
    public static final String DEAD_LETTERS = "chargeonce.processor.dead.letters";
    public static final String RECONCILE_ATTEMPTS = "chargeonce.processor.reconcile.attempts";
    public static final String PAYMENTS = "chargeonce.processor.payments";
    public static final String REFUND_DECISIONS = "chargeonce.processor.refund.decisions";
    public static final String PROVIDER_REFUND_CALLS = "chargeonce.processor.provider.refund.calls";
    public static final String REFUNDS = "chargeonce.processor.refunds";

    private final MeterRegistry registry;

    public ProcessorMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        // Present at zero from the start, so "dead letters > 0" and "reconciling" alerts have a
        // series to compare (an absent series is not a zero to Prometheus).
        for (FailureClass failureClass : FailureClass.values()) {
            registry.counter(DEAD_LETTERS, "class", failureClass.name().toLowerCase(Locale.ROOT));
        }
        registry.counter(RECONCILE_ATTEMPTS);
        for (RefundStatus status : new RefundStatus[]{RefundStatus.SUCCEEDED, RefundStatus.FAILED, RefundStatus.NEEDS_ATTENTION}) {
            registry.counter(REFUNDS, "status", status.name());
        }
    }

    /** @param duplicate whether the inbox had already seen the event id */
    public void inbox(boolean duplicate) {
        registry.counter(INBOX, "decision", duplicate ? "duplicate" : "new").increment();
    }

    /** @param duplicate whether the ledger already had the payment (a second event for one payment) */
    public void ledger(boolean duplicate) {
        registry.counter(LEDGER, "decision", duplicate ? "duplicate" : "new").increment();
    }

    /** @param call "charge" or "lookup" */
    public void providerCall(String call, ChargeOutcome outcome) {
        String name = switch (outcome) {
            case ChargeOutcome.Succeeded s -> "succeeded";
            case ChargeOutcome.Declined d -> "declined";
            case ChargeOutcome.Unknown u -> "unknown";
            case ChargeOutcome.Rejected r -> "rejected";
            case ChargeOutcome.NotFound n -> "not_found";
        };
        registry.counter(PROVIDER_CALLS, "call", call, "outcome", name).increment();
    }

    public void deadLetter(FailureClass failureClass) {
        registry.counter(DEAD_LETTERS, "class", failureClass.name().toLowerCase(Locale.ROOT)).increment();
    }

    public void reconcileAttempt() {
        registry.counter(RECONCILE_ATTEMPTS).increment();
    }

    public void settled(LedgerState state) {
        registry.counter(PAYMENTS, "status", state.name()).increment();
    }

    /**
     * @param decision what the refund ledger did with a request: "new" (attempt 1 recorded),
     *                 "duplicate" (refund id already known), "replay" (an operator's replay of a
     *                 known refund), or the code of a refusal made without calling the provider
     */
    public void refundDecision(String decision) {
        registry.counter(REFUND_DECISIONS, "decision", decision).increment();
    }

    /** @param call "refund" or "lookup" */
    public void providerRefundCall(String call, RefundOutcome outcome) {
        String name = switch (outcome) {
            case RefundOutcome.Succeeded s -> "succeeded";
            case RefundOutcome.Refused r -> "refused";
            case RefundOutcome.Unknown u -> "unknown";
            case RefundOutcome.Rejected r -> "rejected";
            case RefundOutcome.NotFound n -> "not_found";
        };
        registry.counter(PROVIDER_REFUND_CALLS, "call", call, "outcome", name).increment();
    }

    /** A refund reached SUCCEEDED, FAILED or NEEDS_ATTENTION. */
    public void refundSettled(RefundStatus status) {
        registry.counter(REFUNDS, "status", status.name()).increment();
    }
}
