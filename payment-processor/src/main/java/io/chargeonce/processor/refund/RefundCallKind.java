package io.chargeonce.processor.refund;

/** Which provider call a refund attempt is making, with the refund's key. */
public enum RefundCallKind {
    /** Refund with the refund's key. */
    REFUND,
    /** Ask what the provider decided under the key before refunding again. */
    LOOKUP
}
