package io.chargeonce.sandbox;

/**
 * Faults the {@link ProviderSimulator} injects into {@code POST /v1/charges} and {@code POST /v1/refunds}
 * (one dice for both). Each request rolls the
 * dice once per fault, in a fixed order, from a generator seeded with {@code seed}; setting faults
 * re-seeds it, so a single-threaded sequence of requests meets the same faults on every run.
 *
 * @param latencyMs        added before the charge is decided, while the key is held "in flight"
 *                         (a second request with the same key then gets 409)
 * @param latencyJitterMs  up to this much more latency, uniformly drawn
 * @param declineRate      share of charges declined (402 card_error) on top of {@code cus_decline*} customers;
 *                         refunds are never declined by the dice (their refusals come from the charge)
 * @param serverErrorRate  share of requests answered 500/503 before anything is charged or refunded; nothing is
 *                         stored, so a retry with the same key may succeed
 * @param dropResponseRate share of charges and refunds that are decided and stored, after which the connection
 *                         is closed without an answer: the "did it charge/refund?" case reconciliation exists for
 * @param seed             seed of the fault dice
 */
public record ProviderFaults(
        long latencyMs,
        long latencyJitterMs,
        double declineRate,
        double serverErrorRate,
        double dropResponseRate,
        long seed) {

    public static final long DEFAULT_SEED = 42;

    public ProviderFaults {
        if (latencyMs < 0 || latencyJitterMs < 0) {
            throw new IllegalArgumentException("latencyMs and latencyJitterMs must be >= 0");
        }
        checkRate("declineRate", declineRate);
        checkRate("serverErrorRate", serverErrorRate);
        checkRate("dropResponseRate", dropResponseRate);
    }

    /** No faults: every charge answers at once and succeeds (unless the customer is {@code cus_decline*}). */
    public static ProviderFaults none() {
        return new ProviderFaults(0, 0, 0.0, 0.0, 0.0, DEFAULT_SEED);
    }

    public ProviderFaults withLatency(long millis, long jitterMillis) {
        return new ProviderFaults(millis, jitterMillis, declineRate, serverErrorRate, dropResponseRate, seed);
    }

    public ProviderFaults withDeclineRate(double rate) {
        return new ProviderFaults(latencyMs, latencyJitterMs, rate, serverErrorRate, dropResponseRate, seed);
    }

    public ProviderFaults withServerErrorRate(double rate) {
        return new ProviderFaults(latencyMs, latencyJitterMs, declineRate, rate, dropResponseRate, seed);
    }

    public ProviderFaults withDropResponseRate(double rate) {
        return new ProviderFaults(latencyMs, latencyJitterMs, declineRate, serverErrorRate, rate, seed);
    }

    public ProviderFaults withSeed(long newSeed) {
        return new ProviderFaults(latencyMs, latencyJitterMs, declineRate, serverErrorRate, dropResponseRate, newSeed);
    }

    private static void checkRate(String name, double rate) {
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException(name + " must be between 0.0 and 1.0, was " + rate);
        }
    }
}
