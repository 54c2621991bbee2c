package io.chargeonce.cli.verify;

import io.chargeonce.cli.verify.History.Coordinates;
import io.chargeonce.cli.verify.History.DeadLetterRecord;
import io.chargeonce.cli.verify.History.Outcome;
import io.chargeonce.cli.verify.History.Payment;
import io.chargeonce.cli.verify.History.Request;
import io.chargeonce.cli.verify.History.Result;
import io.chargeonce.cli.verify.History.StatusEvent;
import io.chargeonce.cli.verify.History.Unreadable;
import io.chargeonce.cli.verify.ProviderLedger.Charge;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.RefundStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Synthetic histories for the verifier's tests: a builder that places each record at the next
 * offset of its topic, and {@link #clean()}, a history in which every invariant holds and every
 * kind of outcome occurs once, for tests to break one promise at a time.
 */
final class Histories {

    static final String REQUESTS = "t.payment-requests.v1";
    static final String STATUS = "t.payment-status.v1";
    static final String CONFIRMED = "t.payment-confirmed.v1";
    static final String FAILED = "t.payment-failed.v1";
    static final String DLT = "t.payment-requests.dlt.undeserializable.v1";
    static final String REFUND_REQUESTS = "t.refund-requests.v1";
    static final String REFUND_STATUS = "t.refund-status.v1";
    static final String REFUND_RESULTS = "t.refund-results.v1";

    /** Charged once, after a relay duplicate of its request and a provider replay. */
    static final String PAID = "p-confirmed";
    /** Declined by the provider. */
    static final String DECLINED = "p-failed";
    /** Visibly NEEDS_ATTENTION, with a charge the provider did make (a person must decide). */
    static final String ATTENTION = "p-attention";
    /** NEEDS_ATTENTION that someone later settled as CONFIRMED. */
    static final String RESOLVED = "p-resolved";
    /** 400 of {@link #PAID}'s 1000 returned, after a relay duplicate of its request. */
    static final String PARTIAL = "r-partial";
    /** A refund of {@link #PAID} the provider refused: FAILED, no money moved. */
    static final String REFUSED = "r-refused";
    /** All 1000 of {@link #RESOLVED} returned. */
    static final String FULL = "r-full";

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final List<Payment> payments = new ArrayList<>();
    private final List<Request> requests = new ArrayList<>();
    private final List<StatusEvent> statusEvents = new ArrayList<>();
    private final List<Result> results = new ArrayList<>();
    private final List<DeadLetterRecord> deadLetters = new ArrayList<>();
    private final List<Charge> charges = new ArrayList<>();
    private final List<Unreadable> unreadable = new ArrayList<>();
    private final List<RefundHistory.Refund> refunds = new ArrayList<>();
    private final List<Request> refundRequests = new ArrayList<>();
    private final List<RefundHistory.StatusEvent> refundStatus = new ArrayList<>();
    private final List<RefundHistory.Settled> refundResults = new ArrayList<>();
    private final List<ProviderLedger.Refund> providerRefunds = new ArrayList<>();
    private final Map<String, Long> nextOffset = new HashMap<>();
    private long aborted;
    private long replays;

    static Histories clean() {
        return new Histories()
                .payment(PAID, PaymentStatus.CONFIRMED).request(PAID, "e-paid").request(PAID, "e-paid")
                .status(PAID, PaymentStatus.PENDING, PaymentStatus.CONFIRMED).result(PAID, Outcome.CONFIRMED)
                .charge(PAID, true).replays(1)
                .payment(DECLINED, PaymentStatus.FAILED).request(DECLINED, "e-declined")
                .status(DECLINED, PaymentStatus.PENDING, PaymentStatus.FAILED).result(DECLINED, Outcome.FAILED)
                .charge(DECLINED, false)
                .payment(ATTENTION, PaymentStatus.NEEDS_ATTENTION).request(ATTENTION, "e-attention")
                .status(ATTENTION, PaymentStatus.PENDING, PaymentStatus.NEEDS_ATTENTION).charge(ATTENTION, true)
                .payment(RESOLVED, PaymentStatus.CONFIRMED).request(RESOLVED, "e-resolved")
                .status(RESOLVED, PaymentStatus.PENDING, PaymentStatus.NEEDS_ATTENTION, PaymentStatus.CONFIRMED)
                .result(RESOLVED, Outcome.CONFIRMED).charge(RESOLVED, true)
                // poison with an event id, and keyless poison without one: both on a dead-letter topic
                .request("poison-1", "e-poison").deadLetter("poison-1", "e-poison", null)
                // what the processor does for a dead-lettered key: a NEEDS_ATTENTION notice the API ignores
                .status("poison-1", PaymentStatus.NEEDS_ATTENTION)
                .keylessRecordWithoutId(true)
                .aborted(2)
                .refunded(PARTIAL, PAID, 400).refundRequest(PAID, "e-" + PARTIAL)
                .refundRow(REFUSED, PAID, 5000, RefundStatus.FAILED).refundRequest(PAID, "e-" + REFUSED)
                .refundStatus(REFUSED, PAID, RefundStatus.FAILED).refundResult(REFUSED, PAID, RefundStatus.FAILED, 5000)
                .refunded(FULL, RESOLVED, 1000);
    }

    /** A refund that went the whole way: row, request, PENDING then SUCCEEDED, its result and one provider refund. */
    Histories refunded(String refundId, String paymentId, long amount) {
        return refundRow(refundId, paymentId, amount, RefundStatus.SUCCEEDED).refundRequest(paymentId, "e-" + refundId)
                .refundStatus(refundId, paymentId, RefundStatus.PENDING, RefundStatus.SUCCEEDED)
                .refundResult(refundId, paymentId, RefundStatus.SUCCEEDED, amount)
                .providerRefund(refundId, paymentId, amount, "chargeonce-refund-" + refundId);
    }

    Histories refundRow(String refundId, String paymentId, long amount, RefundStatus served) {
        refunds.add(new RefundHistory.Refund(refundId, paymentId, "m-1", amount, "EUR", served, null, null,
                served == RefundStatus.SUCCEEDED ? "re_" + refundId : null, T0, T0));
        return this;
    }

    Histories refundRequest(String paymentId, String eventId) {
        refundRequests.add(new Request(paymentId, eventId, next(REFUND_REQUESTS)));
        return this;
    }

    Histories refundStatus(String refundId, String paymentId, RefundStatus... statuses) {
        for (RefundStatus status : statuses) {
            refundStatus.add(new RefundHistory.StatusEvent(paymentId, refundId, UUID.randomUUID().toString(), status, null,
                    next(REFUND_STATUS)));
        }
        return this;
    }

    Histories refundResult(String refundId, String paymentId, RefundStatus status, long amount) {
        refundResults.add(new RefundHistory.Settled(paymentId, refundId, UUID.randomUUID().toString(), status, amount, "EUR",
                status == RefundStatus.SUCCEEDED ? "re_" + refundId : null, next(REFUND_RESULTS)));
        return this;
    }

    Histories withoutRefundResults(String refundId) {
        refundResults.removeIf(r -> r.refundId().equals(refundId));
        return this;
    }

    /** A refund the provider made from the payment's first charge, under {@code key}, with the refund id in its metadata. */
    Histories providerRefund(String refundId, String paymentId, long amount, String key) {
        String chargeId = charges.stream().filter(c -> paymentId.equals(c.paymentId())).map(Charge::id).findFirst()
                .orElse("ch_unknown");
        providerRefunds.add(new ProviderLedger.Refund("re_" + refundId + "_" + providerRefunds.size(), key, chargeId,
                paymentId, refundId, amount, "eur", "succeeded", T0));
        return this;
    }

    Histories withoutProviderRefunds(String refundId) {
        providerRefunds.removeIf(r -> refundId.equals(r.refundId()));
        return this;
    }

    Histories payment(String id, PaymentStatus served) {
        payments.add(new Payment(id, "m-1", served, null, T0, T0));
        return this;
    }

    /** Changes the status the API serves for {@code id}. */
    Histories serve(String id, PaymentStatus served) {
        payments.replaceAll(p -> p.id().equals(id) ? new Payment(id, p.merchantId(), served, p.reason(), p.createdAt(), T0) : p);
        return this;
    }

    Histories request(String paymentId, String eventId) {
        requests.add(new Request(paymentId, eventId, next(REQUESTS)));
        return this;
    }

    /** A keyless request record without an event id; dead-lettered, the dead letter names only where it sat. */
    Histories keylessRecordWithoutId(boolean deadLettered) {
        Coordinates at = next(REQUESTS);
        requests.add(new Request(null, null, at));
        if (deadLettered) {
            deadLetters.add(new DeadLetterRecord(null, null, at, next(DLT)));
        }
        return this;
    }

    Histories status(String paymentId, PaymentStatus... statuses) {
        for (PaymentStatus status : statuses) {
            statusEvents.add(new StatusEvent(paymentId, UUID.randomUUID().toString(), status, null, next(STATUS)));
        }
        return this;
    }

    Histories result(String paymentId, Outcome outcome) {
        Coordinates at = next(outcome == Outcome.CONFIRMED ? CONFIRMED : FAILED);
        results.add(new Result(paymentId, UUID.randomUUID().toString(), outcome, at));
        return this;
    }

    Histories withoutResults(String paymentId) {
        results.removeIf(r -> r.paymentId().equals(paymentId));
        return this;
    }

    Histories charge(String paymentId, boolean succeeded) {
        int n = charges.size();
        charges.add(new Charge("ch_" + n, "key-" + paymentId + "-" + n, paymentId, 1000, succeeded ? "succeeded" : "failed"));
        return this;
    }

    Histories withoutCharges(String paymentId) {
        charges.removeIf(c -> paymentId.equals(c.paymentId()));
        return this;
    }

    Histories deadLetter(String key, String eventId, Coordinates origin) {
        deadLetters.add(new DeadLetterRecord(key, eventId, origin, next(DLT)));
        return this;
    }

    Histories unreadable(String key, String topic) {
        unreadable.add(new Unreadable(key, "SerializationException: schema id 99 unknown", next(topic)));
        return this;
    }

    Histories aborted(long records) {
        aborted += records;
        return this;
    }

    Histories replays(long count) {
        replays += count;
        return this;
    }

    History build() {
        return new History(payments, requests, statusEvents, results, aborted, deadLetters, charges, replays, unreadable,
                new RefundHistory(refunds, refundRequests, refundStatus, refundResults, 0, providerRefunds));
    }

    private Coordinates next(String topic) {
        long offset = nextOffset.merge(topic, 1L, Long::sum) - 1;
        return new Coordinates(topic, 0, offset);
    }
}
