package io.chargeonce.cli.story;

import io.chargeonce.cli.verify.History.Coordinates;
import io.chargeonce.cli.verify.ProviderLedger;
import io.chargeonce.cli.verify.RefundHistory;
import io.chargeonce.events.RefundStatus;

import java.time.Instant;
import java.util.List;

/**
 * What the real systems hold about one payment's refunds: payment-api's refund rows, the records
 * keyed by the payment on the refund request, status and result topics ({@code read_committed}),
 * and the refunds the provider made for them. Empty for a payment nobody refunded, or a system that
 * predates refunds. The merchant's free-text reason is never read.
 *
 * @param refunds         payment-api's rows, oldest first
 * @param requests        records on the refund request topic, in offset order (redeliveries included)
 * @param statuses        refund status events, in offset order
 * @param results         refund result records
 * @param providerRefunds the provider's refunds naming this payment or one of its refunds' keys
 */
public record RefundFacts(List<RefundHistory.Refund> refunds, List<Requested> requests, List<StatusChange> statuses,
                          List<Settled> results, List<ProviderLedger.Refund> providerRefunds) {

    public RefundFacts {
        refunds = List.copyOf(refunds);
        requests = List.copyOf(requests);
        statuses = List.copyOf(statuses);
        results = List.copyOf(results);
        providerRefunds = List.copyOf(providerRefunds);
    }

    public static RefundFacts none() {
        return new RefundFacts(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    public boolean known() {
        return !refunds.isEmpty() || !requests.isEmpty() || !statuses.isEmpty() || !results.isEmpty()
                || !providerRefunds.isEmpty();
    }

    /**
     * A refund request record.
     *
     * @param refundId  the refund it asks for; null if its body did not decode (then a dead letter tells the rest)
     * @param eventId   its {@code id} header, the outbox event id the inbox dedups on
     * @param timestamp the record's timestamp: ≈ when the relay sent it
     */
    public record Requested(String refundId, String eventId, Coordinates at, Instant timestamp) {
    }

    /** A {@code RefundStatusChanged}. */
    public record StatusChange(String refundId, String eventId, RefundStatus status, String reason, String reasonCode,
                               String providerRefundId, int attempt, Instant occurredAt, Coordinates at) {
    }

    /** A {@code RefundSettled}. */
    public record Settled(String refundId, String eventId, RefundStatus status, long amountMinor, String currency,
                          String providerRefundId, String reasonCode, String reason, int attempts, Instant settledAt,
                          Coordinates at) {
    }
}
