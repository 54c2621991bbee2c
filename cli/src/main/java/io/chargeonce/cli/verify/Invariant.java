package io.chargeonce.cli.verify;

/**
 * The promises chargeonce makes about its history, each checked over the whole of it. A broken one
 * is reported with the payments it concerns, never as a bare count.
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
    UNREADABLE_EVENT("every status, result and dead-letter record decodes and its key names its payment");

    private final String promise;

    Invariant(String promise) {
        this.promise = promise;
    }

    /** The promise in words, as the verdict prints it. */
    public String promise() {
        return promise;
    }
}
