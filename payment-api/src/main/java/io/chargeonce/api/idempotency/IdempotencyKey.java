package io.chargeonce.api.idempotency;

import java.util.Optional;

/**
 * The client's Idempotency-Key: 1 to 255 printable ASCII characters, scoped to its merchant. The
 * value is the client's own and is never logged.
 */
public record IdempotencyKey(String value) {

    public static final int MAX_LENGTH = 255;

    public IdempotencyKey {
        if (!isWellFormed(value)) {
            throw new IllegalArgumentException("an Idempotency-Key must be 1.." + MAX_LENGTH + " printable ASCII characters");
        }
    }

    /** The key in {@code header}, or empty if it is missing or malformed. */
    public static Optional<IdempotencyKey> parse(String header) {
        return isWellFormed(header) ? Optional.of(new IdempotencyKey(header)) : Optional.empty();
    }

    private static boolean isWellFormed(String value) {
        if (value == null || value.isBlank() || value.length() > MAX_LENGTH) {
            return false;
        }
        return value.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
    }

    @Override
    public String toString() {
        return "IdempotencyKey[" + value.length() + " chars]";
    }
}
