package io.chargeonce.api.refund;

import java.time.Instant;
import java.util.UUID;

/**
 * A refund as its merchant sees it. {@code reason} is the status reason (why FAILED or
 * NEEDS_ATTENTION), never the merchant's own refund reason.
 */
public record Refund(UUID id, UUID paymentId, RefundState status, String reason, String reasonCode, long amountMinor,
                     String currency, String providerRefundId, Instant createdAt, Instant updatedAt) {
}
