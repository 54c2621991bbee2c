package io.chargeonce.processor.ledger;

/** The provider refused a charge or lookup outright; carried by the dead letter of the request. */
public final class ProviderRejectedException extends RuntimeException {
    public ProviderRejectedException(String message) {
        super(message);
    }
}
