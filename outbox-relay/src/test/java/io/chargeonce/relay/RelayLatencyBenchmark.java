package io.chargeonce.relay;

import io.chargeonce.outbox.OutboxEvent;
import io.chargeonce.schemas.EventHeaders;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.chargeonce.relay.OutboxRelayTest.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Commit-to-Kafka-ack latency of the relay, each row committed in its own transaction as
 * payment-api does, in two regimes:
 * <ul>
 *   <li>steady: {@value #STEADY_ROWS} rows in bursts of {@value #BURST}, each burst relayed before
 *       the next is written: the delay one payment sees when the relay keeps up;</li>
 *   <li>flood: {@value #FLOOD_ROWS} rows as fast as one connection commits them: the delay under
 *       saturation, queueing included.</li>
 * </ul>
 * Prints the percentiles; asserts only that every row arrived, never a timing (this machine is
 * shared). Excluded from the default run; run with
 * {@code ./mvnw -o -pl outbox-relay test -Dtest=RelayLatencyBenchmark -Drelay.excludedGroups=none}.
 */
@Tag("benchmark")
class RelayLatencyBenchmark {

    private static final int STEADY_ROWS = 1000;
    private static final int BURST = 10;
    private static final int FLOOD_ROWS = 2000;

    @TempDir
    Path workDir;

    @Test
    void measures_commit_to_ack_latency() throws Exception {
        try (RelayTestBed bed = RelayTestBed.create(workDir).withOutboxTable().withRequestTopic(3)) {
            Set<String> written = new HashSet<>();

            OutboxRelay steady = bed.startRelay(config -> config.dropSlotOnStop(false), new SimpleMeterRegistry());
            long start = System.nanoTime();
            for (int i = 0; i < STEADY_ROWS; i++) {
                written.add(commitOne(bed, i));
                if ((i + 1) % BURST == 0) {
                    long relayed = i + 1;
                    await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(30))
                            .until(() -> steady.relayedCount() >= relayed);
                }
            }
            report("steady", STEADY_ROWS, System.nanoTime() - start, steady.metrics().commitToAck());
            steady.close();

            OutboxRelay flood = bed.startRelay(config -> config, new SimpleMeterRegistry());
            start = System.nanoTime();
            for (int i = 0; i < FLOOD_ROWS; i++) {
                written.add(commitOne(bed, STEADY_ROWS + i));
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> flood.relayedCount() >= FLOOD_ROWS);
            report("flood", FLOOD_ROWS, System.nanoTime() - start, flood.metrics().commitToAck());

            await().atMost(Duration.ofMinutes(1)).until(() -> bed.received().size() >= written.size());
            Set<String> arrived = bed.received().stream().map(r -> header(r, EventHeaders.EVENT_ID))
                    .collect(Collectors.toSet());
            assertThat(arrived).containsAll(written);
        }
    }

    private static String commitOne(RelayTestBed bed, int sequence) throws Exception {
        OutboxEvent event = bed.paymentEvent("pay_" + (sequence % 200), 200);
        bed.commit(event);
        return event.id().toString();
    }

    private static void report(String regime, int rows, long nanos, Timer commitToAck) {
        double seconds = nanos / 1e9;
        StringBuilder line = new StringBuilder(String.format(
                "%nrelay benchmark [%s]: %d rows, one transaction each, %.0f rows/s; commit -> Kafka ack over %d: "
                        + "mean %.1f ms, max %.1f ms",
                regime, rows, rows / seconds, commitToAck.count(), commitToAck.mean(TimeUnit.MILLISECONDS),
                commitToAck.max(TimeUnit.MILLISECONDS)));
        for (ValueAtPercentile percentile : commitToAck.takeSnapshot().percentileValues()) {
            line.append(String.format(", p%.0f %.1f ms", percentile.percentile() * 100,
                    percentile.value(TimeUnit.MILLISECONDS)));
        }
        System.out.println(line);
    }
}
