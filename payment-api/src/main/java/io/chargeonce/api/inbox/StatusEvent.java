package io.chargeonce.api.inbox;

import io.chargeonce.api.history.Subject;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.events.RefundStatusChanged;

/**
 * A status change of a payment or of a refund as the inbox applies it, whichever topic it came
 * from. Built only from the two status events, so the applier judges both with one set of rules.
 *
 * @param refundId   null for a payment's own status
 * @param reasonCode machine-readable code (refunds only), or null
 * @param providerId the provider's charge or refund id, or null
 */
public record StatusEvent(Subject subject, String eventId, String paymentId, String refundId, String merchantId,
                          String status, String reason, String reasonCode, String providerId, int attempt) {

    public static StatusEvent of(PaymentStatusChanged event) {
        return new StatusEvent(Subject.PAYMENT, event.getEventId(), event.getPaymentId(), null, event.getMerchantId(),
                event.getStatus().name(), event.getReason(), null, event.getProviderChargeId(), event.getAttempt());
    }

    public static StatusEvent of(RefundStatusChanged event) {
        return new StatusEvent(Subject.REFUND, event.getEventId(), event.getPaymentId(), event.getRefundId(),
                event.getMerchantId(), event.getStatus().name(), event.getReason(), event.getReasonCode(),
                event.getProviderRefundId(), event.getAttempt());
    }

    /** The id of what this event moves: the payment, or the refund. */
    public String subjectId() {
        return subject == Subject.PAYMENT ? paymentId : refundId;
    }
}
