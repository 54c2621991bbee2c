package io.chargeonce.processor.ledger;

import java.util.Objects;

/** Where a record was read from; dead letters carry it so an operator can find the original. */
public record Origin(String topic, int partition, long offset, long timestamp) {
    public Origin {
        Objects.requireNonNull(topic, "topic");
    }
}
