package io.chargeonce.api.merchant;

import java.util.Objects;
import java.util.UUID;

/** A merchant authenticated by its API key; every payment belongs to exactly one. */
public record Merchant(UUID id, String name) {

    public Merchant {
        Objects.requireNonNull(id, "merchant id");
        Objects.requireNonNull(name, "merchant name");
    }
}
