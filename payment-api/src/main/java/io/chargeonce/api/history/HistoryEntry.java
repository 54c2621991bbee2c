package io.chargeonce.api.history;

import java.time.Instant;
import java.util.UUID;

/**
 * One state change of a payment or of one of its refunds, as payment-api applied it.
 *
 * @param refundId null for a change of the payment itself
 * @param reason   the status reason (never a merchant's refund reason), or null
 * @param eventId  the status event that made the change, null for the creation by the API
 * @param at       when payment-api committed the change (its own clock)
 */
public record HistoryEntry(UUID paymentId, UUID refundId, String status, String reason, String eventId, Instant at) {

    public Subject subject() {
        return refundId == null ? Subject.PAYMENT : Subject.REFUND;
    }
}
