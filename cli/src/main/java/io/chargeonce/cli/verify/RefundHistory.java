package io.chargeonce.cli.verify;

import io.chargeonce.cli.verify.History.Coordinates;
import io.chargeonce.cli.verify.History.Request;
import io.chargeonce.events.RefundStatus;

import java.time.Instant;
import java.util.List;

/**
 * The refund half of a {@link History}: payment-api's {@code refunds} table, the refund request,
 * status and result topics ({@code read_committed}), and the refunds the provider made. Empty for
 * a system that predates refunds (no {@code refunds} table, no refund topics, a provider ledger
 * without refunds): such a history verifies as one in which nobody asked for a refund.
 *
 * @param refunds              rows of payment-api's {@code refunds} table
 * @param requests             every record on the refund request topic (relay duplicates included)
 * @param statusEvents         the refund status topic, {@code read_committed}, in offset order per partition
 * @param results              the refund results topic, {@code read_committed}
 * @param abortedResultRecords refund result records of aborted transactions (seen only {@code read_uncommitted})
 * @param providerRefunds      every refund the provider made
 */
public record RefundHistory(
        List<Refund> refunds,
        List<Request> requests,
        List<StatusEvent> statusEvents,
        List<Settled> results,
        long abortedResultRecords,
        List<ProviderLedger.Refund> providerRefunds) {

    public RefundHistory {
        refunds = List.copyOf(refunds);
        requests = List.copyOf(requests);
        statusEvents = List.copyOf(statusEvents);
        results = List.copyOf(results);
        providerRefunds = List.copyOf(providerRefunds);
    }

    /**
     * The provider idempotency key of a refund, {@code chargeonce-refund-<refundId>}, written down here
     * independently of the processor's own derivation: a processor refunding under another key is caught.
     */
    public static String providerKey(String refundId) {
        return "chargeonce-refund-" + refundId;
    }

    /** A history in which nobody asked for a refund. */
    public static RefundHistory none() {
        return new RefundHistory(List.of(), List.of(), List.of(), List.of(), 0, List.of());
    }

    /**
     * A refund as payment-api serves it. The merchant's free-text reason is never read.
     *
     * @param reason     why FAILED or NEEDS_ATTENTION (chargeonce's words, not the merchant's)
     * @param reasonCode the machine-readable code of a FAILED refund
     */
    public record Refund(String id, String paymentId, String merchantId, long amountMinor, String currency,
                         RefundStatus status, String reason, String reasonCode, String providerRefundId,
                         Instant createdAt, Instant updatedAt) {
    }

    /** A decoded {@code RefundStatusChanged}. */
    public record StatusEvent(String paymentId, String refundId, String eventId, RefundStatus status, String reason,
                              Coordinates at) {
    }

    /** A decoded {@code RefundSettled}. */
    public record Settled(String paymentId, String refundId, String eventId, RefundStatus status, long amountMinor,
                          String currency, String providerRefundId, Coordinates at) {
    }
}
