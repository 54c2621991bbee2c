package io.chargeonce.processor.gateway;

import java.util.Objects;

/**
 * What a provider call told us. Only {@link Succeeded} and {@link Declined} are facts about the
 * money; {@link Unknown} means the charge may or may not have happened and must be reconciled by
 * key; {@link Rejected} means the provider refused the request itself and a person must look.
 */
public sealed interface ChargeOutcome {

    /** The customer was charged; {@code chargeId} is the provider's id of the charge. */
    record Succeeded(String chargeId) implements ChargeOutcome {
        public Succeeded {
            Objects.requireNonNull(chargeId, "chargeId");
        }
    }

    /** The provider declined the card; final, the payment fails with the provider's reason. */
    record Declined(String code, String message) implements ChargeOutcome {
        public Declined {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /** No answer we can trust: timeout, I/O error, 5xx, 429, or 409 while the key is in flight. */
    record Unknown(String reason) implements ChargeOutcome {
        public Unknown {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The provider refused the request (4xx other than a decline), e.g. an idempotency_error. Terminal. */
    record Rejected(String code, String message) implements ChargeOutcome {
        public Rejected {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Lookup only: the provider has no charge under the key, so charging with it is safe. */
    record NotFound() implements ChargeOutcome {
    }
}
