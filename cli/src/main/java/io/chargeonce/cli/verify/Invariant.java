package io.chargeonce.cli.verify;

/**
 * The promises chargeonce makes about its history, each checked over the whole of it. A broken one
 * is reported with the payments it concerns (for the refund promises: each refund and its payment),
 * never as a bare count.
 */
public enum Invariant {
    MISSING_RESULT("every accepted payment has a terminal result event or is visibly NEEDS_ATTENTION"
            + " (none lost, none PENDING once the backlog drained)"),
    DUPLICATE_RESULT("no payment has more than one terminal result event"),
    CHARGED_TWICE("the provider charged each payment at most once (succeeded charges, across all keys)"),
    RESULT_WITHOUT_INTENT("every result, status event and provider charge names a payment with a committed intent"
            + " (the NEEDS_ATTENTION notice for a dead-lettered record excepted)"),
    STATUS_MISMATCH("the status the API serves equals the payment's last status event"),
    ILLEGAL_ORDER("each payment's status events are in a legal order (PENDING*, then at most one terminal;"
            + " NEEDS_ATTENTION may still settle; never back, never CONFIRMED after FAILED)"),
    RESULT_DISAGREES_WITH_STATUS("a payment's result event says what its last status event says"),
    CONFIRMED_NOT_CHARGED_ONCE("a confirmed payment has exactly one succeeded provider charge"),
    FAILED_BUT_CHARGED("a failed payment has no succeeded provider charge"),
    CHARGED_NOT_CONFIRMED("a succeeded provider charge has a confirmed result, unless its payment is NEEDS_ATTENTION"),
    INPUT_UNACCOUNTED("every distinct request event ends in a result, NEEDS_ATTENTION or a dead letter"),
    UNREADABLE_EVENT("every status, result and dead-letter record (of payments and refunds) decodes and its key names its payment"),
    REFUNDED_TWICE("the provider made at most one refund per refund id (under its key chargeonce-refund-<refundId>),"
            + " across all keys"),
    REFUND_BEFORE_CONFIRM("every provider refund returns money from a succeeded charge of a payment payment-api serves"
            + " CONFIRMED, and no refund row exists for a payment that is not CONFIRMED"),
    REFUND_EXCEEDS_CHARGE("per charge, the refunds the provider made sum to at most the charge's amount"),
    REFUND_WITHOUT_INTENT("every refund status event, refund result and provider refund names a refund payment-api holds"
            + " (the NEEDS_ATTENTION notice for a dead-lettered refund request excepted)"),
    REFUND_UNTRUTHFUL("a refund's result, status events, served status and provider refunds agree: at most one result,"
            + " with the refund's status, amount and currency; status events in a legal order (PENDING*, NEEDS_ATTENTION"
            + " may still settle, SUCCEEDED and FAILED final); a FAILED refund has no provider refund; once drained, no"
            + " refund is PENDING, a SUCCEEDED one has exactly one provider refund under its key, each terminal one exactly"
            + " one result, and the served status is the last status event");

    private final String promise;

    Invariant(String promise) {
        this.promise = promise;
    }

    /** The promise in words, as the verdict prints it. */
    public String promise() {
        return promise;
    }
}
