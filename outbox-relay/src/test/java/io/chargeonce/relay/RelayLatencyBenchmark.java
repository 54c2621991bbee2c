package io.chargeonce.relay;

import io.chargeonce.outbox.OutboxEvent;
import io.chargeonce.schemas.EventHeaders;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
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
 *       saturation, queueing included;</li>
 *   <li>backlog: {@value #BACKLOG_ROWS} rows committed (in transactions of {@value #BACKLOG_BATCH})
 *       while the relay is stopped, then relayed from its slot: how fast the relay catches up, i.e.
 *       its capacity when the writer is not the limit, and the CPU its threads spend per row.</li>
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
    private static final int BACKLOG_ROWS = 20000;
    private static final int BACKLOG_BATCH = 50;

    @TempDir
    Path workDir;

    @Test
    void measures_commit_to_ack_latency() throws Exception {
        try (RelayTestBed bed = RelayTestBed.create(workDir).withOutboxTable().withRequestTopic(3)) {
            Set<String> written = new HashSet<>();

            // Every relay but the last keeps the slot, so what is written between two relays waits in it.
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

            OutboxRelay flood = bed.startRelay(config -> config.dropSlotOnStop(false), new SimpleMeterRegistry());
            start = System.nanoTime();
            for (int i = 0; i < FLOOD_ROWS; i++) {
                written.add(commitOne(bed, STEADY_ROWS + i));
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> flood.relayedCount() >= FLOOD_ROWS);
            report("flood", FLOOD_ROWS, System.nanoTime() - start, flood.metrics().commitToAck());
            flood.close();

            for (int i = 0; i < BACKLOG_ROWS; i += BACKLOG_BATCH) {
                OutboxEvent[] batch = new OutboxEvent[BACKLOG_BATCH];
                for (int j = 0; j < BACKLOG_BATCH; j++) {
                    batch[j] = bed.paymentEvent("pay_" + (j % 200), 200);
                    written.add(batch[j].id().toString());
                }
                bed.commit(batch);
            }
            long cpuBefore = relayThreadCpuNanos();
            start = System.nanoTime();
            OutboxRelay backlog = bed.startRelay(config -> config, new SimpleMeterRegistry());
            await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofMinutes(2))
                    .until(() -> backlog.relayedCount() >= BACKLOG_ROWS);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%nrelay benchmark [backlog]: %d rows waiting in the slot, relayed in %.1f s (start-up included): "
                            + "%.0f rows/s, relay threads' CPU %.3f ms per row%n", BACKLOG_ROWS, seconds, BACKLOG_ROWS / seconds,
                    (relayThreadCpuNanos() - cpuBefore) / 1e6 / BACKLOG_ROWS);

            await().atMost(Duration.ofMinutes(1)).until(() -> bed.received().size() >= written.size());
            Set<String> arrived = bed.received().stream().map(r -> header(r, EventHeaders.EVENT_ID))
                    .collect(Collectors.toSet());
            assertThat(arrived).containsAll(written);
        }
    }

    /** CPU of the Debezium engine's threads (decoding, polling, sending), the relay's whole work. */
    private static long relayThreadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("debezium-") || info.getThreadName().startsWith("pool-")
                    || info.getThreadName().contains("outbox-relay"))) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
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
