package io.chargeonce.processor.reconcile;

import io.chargeonce.events.FailureClass;
import io.chargeonce.processor.ledger.ProviderRejectedException;

import java.util.Locale;
import java.util.Objects;

/**
 * The dead letter a NEEDS_ATTENTION decision asks for, so an operator has the request to replay
 * next to why it stopped. Every escalation about a provider call gets one, whether the provider
 * refused the request or chargeonce gave up on getting a definite answer, because in both cases
 * the only road back is an operator's {@code dlt replay} (re-driven by the ledger with the entry's
 * own key inside the provider's idempotency window, ignored past it).
 *
 * @param reasonCode stable name of why, which with the class and {@link #error}'s type makes the
 *                   dead letter's fingerprint: every payment and refund one outage stranded shares it
 * @param message    what the operator reads: what happened and what a replay will do
 * @param gaveUp     true if chargeonce gave up (no definite answer), false if the provider refused
 */
public record Escalation(FailureClass failureClass, String reasonCode, String message, boolean gaveUp) {
    /** Retries exhausted inside the window: a replay re-drives the entry with its own key. */
    public static final String RETRIES_EXHAUSTED = "retries_exhausted";
    /** The provider's idempotency window passed: the ledger ignores a replay. */
    public static final String IDEMPOTENCY_WINDOW_PASSED = "idempotency_window_passed";

    public Escalation {
        Objects.requireNonNull(failureClass, "failureClass");
        Objects.requireNonNull(reasonCode, "reasonCode");
        Objects.requireNonNull(message, "message");
    }

    /**
     * The provider refused the request itself ({@code code}); the reason code stays the class's
     * name, as before gave-up escalations were dead-lettered, so existing fingerprints keep grouping.
     */
    static Escalation rejected(String code, String reason) {
        FailureClass failureClass = "idempotency_error".equals(code)
                ? FailureClass.IDEMPOTENCY_CONFLICT : FailureClass.PROVIDER_TERMINAL;
        return new Escalation(failureClass, failureClass.name().toLowerCase(Locale.ROOT), reason, false);
    }

    /**
     * chargeonce's own terminal decision about the provider call ({@code reasonCode}): dead-lettered
     * as PROVIDER_TERMINAL, the class of "nothing more will be tried without a person".
     */
    static Escalation gaveUp(String reasonCode, String message) {
        return new Escalation(FailureClass.PROVIDER_TERMINAL, reasonCode, message, true);
    }

    /** The error the dead letter names: its type tells a refusal from giving up, in the fingerprint too. */
    public RuntimeException error() {
        return gaveUp ? new ProviderUndecidedException(message) : new ProviderRejectedException(message);
    }
}
