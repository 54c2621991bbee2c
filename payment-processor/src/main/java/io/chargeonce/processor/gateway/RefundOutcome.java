package io.chargeonce.processor.gateway;

import java.util.Objects;

/**
 * What a provider refund call told us. {@link Succeeded} (money went back) and {@link Refused} (the
 * provider decided no money moves, and stored that answer under the key) are facts; {@link Unknown}
 * must be reconciled by key; {@link Rejected} means the provider refused the request itself and a
 * person must look.
 */
public sealed interface RefundOutcome {

    /** The money went back; {@code refundId} is the provider's id of the refund ({@code re_…}). */
    record Succeeded(String providerRefundId) implements RefundOutcome {
        public Succeeded {
            Objects.requireNonNull(providerRefundId, "providerRefundId");
        }
    }

    /**
     * A definite refusal stored under the key ({@code resource_missing}, {@code charge_not_refundable},
     * {@code amount_too_large}, {@code charge_already_refunded}): final, the refund fails, no money moved.
     */
    record Refused(String code, String message) implements RefundOutcome {
        public Refused {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /** No answer we can trust: timeout, I/O error, 5xx, 429, or 409 while the key is in flight. */
    record Unknown(String reason) implements RefundOutcome {
        public Unknown {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The provider refused the request itself (another 4xx, e.g. an idempotency_error). Terminal. */
    record Rejected(String code, String message) implements RefundOutcome {
        public Rejected {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Lookup only: the provider decided nothing under the key, so refunding with it is safe. */
    record NotFound() implements RefundOutcome {
    }
}
