package io.chargeonce.schemas;

import java.time.Duration;

/**
 * How patiently {@link SchemaRegistryClient} talks to the registry.
 *
 * <p>The registry is only consulted on a cache miss: once per schema per process when writing, once per
 * writer schema id when reading. A miss blocks the calling thread (a producer or a stream thread), so
 * these timeouts bound how long a slow or dead registry can stall processing before the caller gets a
 * {@link SchemaRegistryException} it can retry.
 *
 * @param connectTimeout how long to wait for a TCP connection. Short (seconds) so a registry that is
 *                       down is reported quickly; too short and a registry behind a slow load balancer
 *                       looks down. Default 5 s.
 * @param requestTimeout how long to wait for a response once connected. Must cover a registry's
 *                       compatibility check against many versions (it parses all of them); too long and
 *                       a hung registry stalls a stream thread past its poll interval. Default 10 s.
 */
public record RegistryClientConfig(Duration connectTimeout, Duration requestTimeout) {

    public RegistryClientConfig {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
    }

    public static RegistryClientConfig defaults() {
        return new RegistryClientConfig(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("registry client " + name + " must be a positive duration, got: " + value);
        }
    }
}
