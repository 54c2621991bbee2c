package io.chargeonce.api.inbox;

/** What became of one status record, of a payment or of a refund. */
public enum InboxOutcome {
    /** The payment (or refund) moved to the event's status. */
    APPLIED("applied"),
    /** The event id was claimed before: a redelivery, nothing changed. */
    DUPLICATE("duplicate"),
    /** The move is not legal from the payment's current state (e.g. out of a terminal state): ignored. */
    ILLEGAL_TRANSITION("illegal_transition"),
    /** No payment with this id exists here (or it belongs to another merchant than the event says). */
    UNKNOWN_PAYMENT("unknown_payment"),
    /** No refund with this id exists here (or it belongs to another payment or merchant than the event says). */
    UNKNOWN_REFUND("unknown_refund"),
    /** The record could not be decoded; skipped. */
    UNDECODABLE("undecodable");

    private final String tag;

    InboxOutcome(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
