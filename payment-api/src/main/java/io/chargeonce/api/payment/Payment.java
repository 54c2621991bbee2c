package io.chargeonce.api.payment;

import java.time.Instant;
import java.util.UUID;

/** A payment as its merchant sees it. {@code reason} is null unless FAILED or NEEDS_ATTENTION said why. */
public record Payment(UUID id, UUID merchantId, String orderId, String customerId, long amountMinor, String currency,
                      PaymentState status, String reason, Instant createdAt, Instant updatedAt) {
}
