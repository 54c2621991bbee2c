package io.chargeonce.cli.story;

import java.time.Instant;

/**
 * One row of payment-api's {@code payment_history}: a state change of the payment or of one of its
 * refunds, written in the same transaction as the change itself, so the trail cannot miss one.
 *
 * @param refundId null for a change of the payment itself
 * @param reason   chargeonce's reason for the status (never the merchant's free text)
 * @param eventId  the status event applied; null for a change payment-api made itself (the intent)
 */
public record AuditEntry(Instant at, String refundId, String status, String reason, String eventId) {

    public String subject() {
        return refundId == null ? "payment" : "refund " + refundId;
    }
}
