package io.chargeonce.cli.load;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;

/**
 * Latency samples and their nearest-rank percentiles. Keeps every sample (8 bytes each): a
 * 30-second storm is tens of thousands of requests, so exact percentiles cost less than a
 * histogram's configuration.
 */
public final class Latencies {

    private long[] nanos = new long[1024];
    private int size;

    public static Latencies of(Collection<Duration> samples) {
        Latencies latencies = new Latencies();
        samples.forEach(latencies::record);
        return latencies;
    }

    public synchronized void record(Duration sample) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = sample.toNanos();
    }

    public synchronized int count() {
        return size;
    }

    /** Nearest-rank percentile, {@code p} in (0, 100]; {@code null} without samples. */
    public synchronized Duration percentile(double p) {
        if (size == 0) {
            return null;
        }
        long[] sorted = Arrays.copyOf(nanos, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return Duration.ofNanos(sorted[Math.max(0, Math.min(size - 1, rank - 1))]);
    }

    /** "12.3 ms", or "n/a" without samples. */
    public String format(double p) {
        Duration d = percentile(p);
        return d == null ? "n/a" : String.format("%.1f ms", d.toNanos() / 1e6);
    }
}
