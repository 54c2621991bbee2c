package io.chargeonce.cli.verify;

import io.chargeonce.cli.verify.ProviderLedger.Charge;
import io.chargeonce.events.PaymentStatus;

import java.time.Instant;
import java.util.List;

/**
 * Everything chargeonce's parts say happened, read from the real systems at one moment: the
 * payments payment-api accepted and the status it serves, the request topic, the status and result
 * topics as {@code read_committed} consumers see them, the dead-letter topics and the provider's
 * ledger; and the same of the refunds ({@link RefundHistory}). Plain data, so the verifier can be fed synthetic histories in tests.
 *
 * @param payments             rows of payment-api's {@code payments} table
 * @param requests             every record on the request topic (relay duplicates included)
 * @param statusEvents         the status topic, {@code read_committed}, in offset order per partition
 * @param results              the confirmed and failed topics, {@code read_committed}
 * @param abortedResultRecords result records only a {@code read_uncommitted} reader sees below the
 *                             last stable offset: writes of aborted transactions
 * @param deadLetters          every record on every dead-letter topic
 * @param charges              the provider's ledger: every charge made or declined, under its key
 * @param providerReplays      answers the provider replayed for a known idempotency key
 * @param unreadable           status, result or dead-letter records (of payments and refunds) that could not be decoded
 * @param refunds              the refunds: their table, topics and the provider's refunds
 */
public record History(
        List<Payment> payments,
        List<Request> requests,
        List<StatusEvent> statusEvents,
        List<Result> results,
        long abortedResultRecords,
        List<DeadLetterRecord> deadLetters,
        List<Charge> charges,
        long providerReplays,
        List<Unreadable> unreadable,
        RefundHistory refunds) {

    public History {
        payments = List.copyOf(payments);
        requests = List.copyOf(requests);
        statusEvents = List.copyOf(statusEvents);
        results = List.copyOf(results);
        deadLetters = List.copyOf(deadLetters);
        charges = List.copyOf(charges);
        unreadable = List.copyOf(unreadable);
        refunds = refunds == null ? RefundHistory.none() : refunds;
    }

    /** A history in which nobody asked for a refund. */
    public History(List<Payment> payments, List<Request> requests, List<StatusEvent> statusEvents, List<Result> results,
                   long abortedResultRecords, List<DeadLetterRecord> deadLetters, List<Charge> charges,
                   long providerReplays, List<Unreadable> unreadable) {
        this(payments, requests, statusEvents, results, abortedResultRecords, deadLetters, charges, providerReplays,
                unreadable, RefundHistory.none());
    }

    /** Where a record sits; identifies a request event that carries no event id. */
    public record Coordinates(String topic, int partition, long offset) {
        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    /** A payment as payment-api serves it. */
    public record Payment(String id, String merchantId, PaymentStatus status, String reason,
                          Instant createdAt, Instant updatedAt) {
    }

    /**
     * A record on the request topic.
     *
     * @param paymentId its key (null if it had none)
     * @param eventId   its {@code id} header, the outbox event id the inbox dedups on (null if absent)
     */
    public record Request(String paymentId, String eventId, Coordinates at) {

        /** The event's identity: its id, or where it sits when it has none (then it cannot be a duplicate). */
        public String identity() {
            return eventId != null ? eventId : at.toString();
        }
    }

    /** A decoded {@code PaymentStatusChanged}. */
    public record StatusEvent(String paymentId, String eventId, PaymentStatus status, String reason, Coordinates at) {
    }

    /** What a result record says happened to a payment. */
    public enum Outcome {
        CONFIRMED(PaymentStatus.CONFIRMED), FAILED(PaymentStatus.FAILED);

        private final PaymentStatus status;

        Outcome(PaymentStatus status) {
            this.status = status;
        }

        /** The terminal status event that must accompany this result. */
        public PaymentStatus status() {
            return status;
        }
    }

    /** A decoded {@code PaymentConfirmed} or {@code PaymentFailed}. */
    public record Result(String paymentId, String eventId, Outcome outcome, Coordinates at) {
    }

    /**
     * A record on a dead-letter topic.
     *
     * @param paymentId its key, the original record's key (null if none)
     * @param eventId   the original event id (from the dead letter, else its {@code id} header)
     * @param origin    where the original record sat (null if the dead letter does not say)
     */
    public record DeadLetterRecord(String paymentId, String eventId, Coordinates origin, Coordinates at) {
    }

    /**
     * A record that should have decoded but did not, or whose key names another payment than its value.
     *
     * @param key     its key as text (a payment id), or null
     * @param problem what was wrong, without the record's content
     */
    public record Unreadable(String key, String problem, Coordinates at) {
    }
}
