package io.chargeonce.processor.reconcile;

/**
 * chargeonce gave up re-driving a provider call by key without a definite answer (attempts
 * exhausted, or the provider's idempotency window passed); carried by the dead letter of the request.
 */
public final class ProviderUndecidedException extends RuntimeException {
    public ProviderUndecidedException(String message) {
        super(message);
    }
}
