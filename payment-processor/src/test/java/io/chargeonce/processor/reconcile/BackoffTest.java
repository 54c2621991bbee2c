package io.chargeonce.processor.reconcile;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), new SplittableRandom(7));

    @Test
    void ceilingDoublesPerAttemptUpToTheCap() {
        assertThat(IntStream.rangeClosed(1, 8).mapToObj(backoff::ceilingAfter).map(Duration::toMillis))
                .containsExactly(200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L);
        assertThat(backoff.ceilingAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void fullJitterStaysWithinTheCeilingAndSpreads() {
        var delays = IntStream.range(0, 500).mapToObj(i -> backoff.delayAfter(3).toMillis()).toList();

        assertThat(delays).allSatisfy(delay -> assertThat(delay).isBetween(0L, 800L));
        assertThat(delays.stream().distinct().count()).isGreaterThan(100);
    }

    @Test
    void sameSeedSameDelays() {
        Backoff a = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), new SplittableRandom(11));
        Backoff b = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), new SplittableRandom(11));

        assertThat(IntStream.rangeClosed(1, 10).mapToObj(a::delayAfter).toList())
                .isEqualTo(IntStream.rangeClosed(1, 10).mapToObj(b::delayAfter).toList());
    }

    @Test
    void rejectsACapBelowTheBase() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofMillis(10), new SplittableRandom()))
                .hasMessageContaining("0 < base <= max");
    }
}
