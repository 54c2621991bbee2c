package io.chargeonce.schemas;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.events.PaymentConfirmed;
import io.chargeonce.events.PaymentFailed;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.events.RefundRequested;
import io.chargeonce.events.RefundSettled;
import io.chargeonce.events.RefundStatusChanged;
import io.chargeonce.events.ReplayAudit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The catalog of every topic chargeonce produces or consumes. Producers, consumers, the relay's
 * routing and the tests all take names from here, never from string literals.
 *
 * <p>A prefix lets several independent chargeonce installations (or tests) share one broker.
 *
 * <p>Refund topics are keyed by the PAYMENT id, like the payment topics, and must have as many
 * partitions as {@link #paymentRequests}: that co-partitioning puts a payment's refunds in the
 * processor task that owns its ledger entry, which is how a refund knows the payment was charged.
 * Every topic is created with the same partition count for that reason.
 */
public record Topics(
        Topic<PaymentRequested> paymentRequests,
        Topic<PaymentStatusChanged> paymentStatus,
        Topic<PaymentConfirmed> paymentConfirmed,
        Topic<PaymentFailed> paymentFailed,
        Topic<RefundRequested> refundRequests,
        Topic<RefundStatusChanged> refundStatus,
        Topic<RefundSettled> refundResults,
        Map<FailureClass, Topic<DeadLetter>> deadLetters,
        Topic<DeadLetter> deadLetterParking,
        Topic<ReplayAudit> replayAudit) {

    /** The outbox {@code aggregatetype} of payment events; the relay routes it to {@link #paymentRequests}. */
    public static final String PAYMENT_AGGREGATE = "payment";

    /**
     * The outbox {@code aggregatetype} of refund events; the relay routes it to {@link #refundRequests}.
     * Their {@code aggregateid} is the payment id, so the Kafka key is the payment id too.
     */
    public static final String REFUND_AGGREGATE = "refund";

    public Topics {
        deadLetters = Collections.unmodifiableMap(new EnumMap<>(deadLetters));
    }

    /** The topics of the default installation: {@code chargeonce.*}. */
    public static Topics defaults() {
        return withPrefix("chargeonce");
    }

    /** The topics under {@code prefix.}; tests use a unique prefix per test to stay independent. */
    public static Topics withPrefix(String prefix) {
        if (prefix == null || !prefix.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("topic prefix must be letters, digits, '.', '_' or '-', got: " + prefix);
        }
        Map<FailureClass, Topic<DeadLetter>> dlts = new EnumMap<>(FailureClass.class);
        for (FailureClass failure : FailureClass.values()) {
            String suffix = failure.name().toLowerCase(Locale.ROOT).replace('_', '-');
            dlts.put(failure, new Topic<>(prefix + ".payment-requests.dlt." + suffix + ".v1", DeadLetter.class,
                    "payment and refund requests that failed as " + failure
                            + ", with error and origin (the request topic to replay to); replayable"));
        }
        return new Topics(
                new Topic<>(prefix + ".payment-requests.v1", PaymentRequested.class,
                        "payment intents relayed from the outbox (at least once), key = payment id"),
                new Topic<>(prefix + ".payment-status.v1", PaymentStatusChanged.class,
                        "every status change of every payment, in order per payment"),
                new Topic<>(prefix + ".payment-confirmed.v1", PaymentConfirmed.class,
                        "terminal result: charged, exactly one per payment"),
                new Topic<>(prefix + ".payment-failed.v1", PaymentFailed.class,
                        "terminal result: declined, exactly one per payment"),
                new Topic<>(prefix + ".refund-requests.v1", RefundRequested.class,
                        "refund intents relayed from the outbox (at least once), key = payment id"),
                new Topic<>(prefix + ".refund-status.v1", RefundStatusChanged.class,
                        "every status change of every refund, in order per payment, key = payment id"),
                new Topic<>(prefix + ".refund-results.v1", RefundSettled.class,
                        "terminal refund result: succeeded or failed, exactly one per refund, key = payment id"),
                dlts,
                new Topic<>(prefix + ".payment-requests.dlt.parked.v1", DeadLetter.class,
                        "dead letters the replay loop guard took out of circulation (replayed too often); "
                                + "replayed only on purpose, never by a class selection"),
                new Topic<>(prefix + ".dlt-replay-audit.v1", ReplayAudit.class,
                        "one record per `chargeonce dlt replay` run: who, when, why, what; key = run id"));
    }

    public Topic<DeadLetter> deadLetter(FailureClass failure) {
        return deadLetters.get(failure);
    }

    /** Every topic, for creating them up front and for listing them to users. */
    public List<Topic<?>> all() {
        List<Topic<?>> all = new ArrayList<>(List.of(paymentRequests, paymentStatus, paymentConfirmed, paymentFailed,
                refundRequests, refundStatus, refundResults));
        all.addAll(deadLetters.values());
        all.add(deadLetterParking);
        all.add(replayAudit);
        return List.copyOf(all);
    }
}
