package io.chargeonce.api.payment;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * UUIDv7 ids: a millisecond timestamp then 74 random bits. Time order keeps new rows at the right
 * edge of the primary-key index instead of scattering writes over it.
 *
 * <p>The random part deliberately comes from a {@link SecureRandom}, not the injected seeded
 * generator: two instances started with the same seed in the same millisecond must still never
 * mint the same payment id.
 */
public final class TimeOrderedIds {

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public TimeOrderedIds(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public UUID next() {
        long millis = clock.millis() & 0xFFFF_FFFF_FFFFL;
        long randA = random.nextLong() & 0x0FFFL;
        long randB = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL;
        long mostSignificant = (millis << 16) | 0x7000L | randA;
        long leastSignificant = 0x8000_0000_0000_0000L | randB;
        return new UUID(mostSignificant, leastSignificant);
    }
}
