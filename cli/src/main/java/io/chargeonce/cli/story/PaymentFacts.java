package io.chargeonce.cli.story;

import io.chargeonce.cli.story.ProviderLookup.KeyedCharge;
import io.chargeonce.cli.verify.History.Coordinates;
import io.chargeonce.cli.verify.History.Outcome;
import io.chargeonce.cli.verify.ProviderLedger.Charge;
import io.chargeonce.events.PaymentStatus;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything the real systems hold about one payment at one moment: payment-api's intent, every
 * record keyed by the payment on the request, status, result and dead-letter topics (as
 * {@code read_committed} consumers see them), the provider's charges for it, its refunds
 * ({@link RefundFacts}) and its audit trail. Plain data: the
 * story is told from it, and tests can build one by hand.
 *
 * @param intent        payment-api's row; empty if it has none (a poison key, or a wrong id)
 * @param requests      records on the request topic, in offset order (relay redeliveries included)
 * @param idempotencyKey the provider idempotency key chargeonce charges this payment under
 * @param ledger        the provider's ledger entries naming this payment or its key
 * @param lookup        what the provider answers for the key today
 * @param unreadable    records keyed by this payment that did not decode, each with its problem
 * @param aborted       this payment's status and result records that only a {@code read_uncommitted}
 *                      reader sees below the last stable offset: writes of transactions that aborted
 * @param readAt        when the facts were read (the provider lookup's answer is as of then)
 * @param refunds       the payment's refunds, their records and the provider's refunds
 * @param auditTrail    payment-api's {@code payment_history} rows of the payment and its refunds, in write order
 */
public record PaymentFacts(String paymentId, Optional<Intent> intent, List<Relayed> requests, List<StatusChange> statuses,
                           List<Settlement> results, List<DeadLettered> deadLetters, String idempotencyKey,
                           List<Charge> ledger, List<KeyedCharge> lookup, List<Undecodable> unreadable, List<Aborted> aborted,
                           Instant readAt, RefundFacts refunds, List<AuditEntry> auditTrail) {

    /** The facts of a payment nobody refunded, from a system without an audit trail. */
    public PaymentFacts(String paymentId, Optional<Intent> intent, List<Relayed> requests, List<StatusChange> statuses,
                        List<Settlement> results, List<DeadLettered> deadLetters, String idempotencyKey,
                        List<Charge> ledger, List<KeyedCharge> lookup, List<Undecodable> unreadable, List<Aborted> aborted,
                        Instant readAt) {
        this(paymentId, intent, requests, statuses, results, deadLetters, idempotencyKey, ledger, lookup, unreadable, aborted,
                readAt, RefundFacts.none(), List.of());
    }

    public PaymentFacts {
        requests = List.copyOf(requests);
        statuses = List.copyOf(statuses);
        results = List.copyOf(results);
        deadLetters = List.copyOf(deadLetters);
        ledger = List.copyOf(ledger);
        lookup = List.copyOf(lookup);
        unreadable = List.copyOf(unreadable);
        aborted = List.copyOf(aborted);
        refunds = refunds == null ? RefundFacts.none() : refunds;
        auditTrail = List.copyOf(auditTrail);
    }

    /** Whether any system knows this payment at all. */
    public boolean known() {
        return intent.isPresent() || !requests.isEmpty() || !statuses.isEmpty() || !results.isEmpty()
                || !deadLetters.isEmpty() || !ledger.isEmpty() || !lookup.isEmpty() || !unreadable.isEmpty()
                || refunds.known() || !auditTrail.isEmpty();
    }

    /**
     * A request record.
     *
     * @param eventId   its {@code id} header, the outbox event id the inbox dedups on (null if absent)
     * @param timestamp the record's timestamp: the relay's producer stamps it when it sends, so ≈ relay time
     */
    public record Relayed(String eventId, Coordinates at, Instant timestamp) {
    }

    /** A {@code PaymentStatusChanged}. */
    public record StatusChange(String eventId, PaymentStatus status, String reason, String providerChargeId, int attempt,
                               Instant occurredAt, Coordinates at) {
    }

    /**
     * A {@code PaymentConfirmed} or {@code PaymentFailed}.
     *
     * @param detail the provider charge id when confirmed; the decline code and reason when failed
     */
    public record Settlement(String eventId, Outcome outcome, String detail, int attempts, Instant at, Coordinates coordinates) {
    }

    /**
     * A dead letter for this payment (key, payment id or event id).
     *
     * @param failureClass from the record, else from the topic it sits on
     * @param origin       where the original record sat; null if the dead letter does not say
     */
    public record DeadLettered(String failureClass, String errorClass, String errorMessage, String fingerprint,
                               String eventId, Coordinates origin, Instant at, Coordinates coordinates) {
    }

    /** A status or result record (of the payment or a refund) of an aborted transaction: never seen by read_committed consumers. */
    public record Aborted(Instant timestamp, Coordinates at) {
    }

    /** A record keyed by this payment that did not decode; the problem names no field values. */
    public record Undecodable(String problem, Instant timestamp, Coordinates at) {
    }
}
