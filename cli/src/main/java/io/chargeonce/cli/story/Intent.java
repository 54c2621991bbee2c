package io.chargeonce.cli.story;

import io.chargeonce.events.PaymentStatus;

import java.time.Instant;
import java.util.Objects;

/**
 * A payment intent as payment-api holds it, reduced to what a story may print. The merchant's
 * idempotency key is kept only as its first characters and its length: keys are chosen by
 * merchants and may carry things they consider private, so the full key never enters this record
 * and cannot be printed by mistake.
 *
 * @param keyPrefix  the first {@link #KEY_PREFIX_CHARS} characters of the idempotency key
 * @param keyLength  the key's full length, so two keys with one prefix can still be told apart by eye
 * @param status     the status payment-api serves (its inbox applied the status events)
 * @param reason     why FAILED or NEEDS_ATTENTION; null otherwise
 * @param createdAt  when payment-api inserted the intent and its outbox row (the transaction commits just after)
 */
public record Intent(String paymentId, String merchantId, String orderId, long amountMinor, String currency,
                     String keyPrefix, int keyLength, PaymentStatus status, String reason, String providerChargeId,
                     Instant createdAt, Instant updatedAt) {

    /** Enough to find the key in the merchant's own logs, too few to reconstruct a long one. */
    public static final int KEY_PREFIX_CHARS = 8;

    public Intent {
        Objects.requireNonNull(paymentId, "paymentId");
        Objects.requireNonNull(status, "status");
        if (keyPrefix != null && keyPrefix.length() > KEY_PREFIX_CHARS) {
            throw new IllegalArgumentException("an intent keeps at most " + KEY_PREFIX_CHARS + " characters of its key");
        }
    }

    /** The idempotency key shortened for printing; the full key is never held. */
    public static String prefixOf(String idempotencyKey) {
        return idempotencyKey.length() <= KEY_PREFIX_CHARS ? idempotencyKey : idempotencyKey.substring(0, KEY_PREFIX_CHARS);
    }

    /** {@code "abcd1234…" (36 chars)}: the prefix, marked as cut when it is. */
    public String keyShown() {
        return "\"" + keyPrefix + (keyLength > keyPrefix.length() ? "…" : "") + "\" (" + keyLength + " chars)";
    }
}
