package io.chargeonce.api.idempotency;

/** What a keyed {@code POST} (a payment or a refund) with an Idempotency-Key turned out to be. */
public enum IdempotencyDecision {
    /** First request with this key: a payment or refund was created. */
    NEW("new"),
    /** Same key, same request: the stored response is replayed, nothing is created. */
    REPLAYED("replayed"),
    /** Same key, different request (or another payment): refused, nothing is created. */
    CONFLICT("conflict"),
    /** A concurrent request with this key has not committed yet: retry later. */
    IN_PROGRESS("in_progress");

    private final String tag;

    IdempotencyDecision(String tag) {
        this.tag = tag;
    }

    /** The metric tag and log word. */
    public String tag() {
        return tag;
    }
}
