package io.chargeonce.relay;

import io.chargeonce.outbox.OutboxEvent;
import io.chargeonce.schemas.EventHeaders;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
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
 * Commit-to-Kafka-ack latency of the relay over {@value #ROWS} payment rows, each committed in its
 * own transaction as payment-api does. Prints the percentiles; asserts only that every row
 * arrived, never a timing (this machine is shared). Excluded from the default test run; run with
 * {@code ./mvnw -o -pl outbox-relay test -Dtest=RelayLatencyBenchmark -Drelay.excludedGroups=none}.
 */
@Tag("benchmark")
class RelayLatencyBenchmark {

    private static final int ROWS = 2000;

    @TempDir
    Path workDir;

    @Test
    void measures_commit_to_ack_latency() throws Exception {
        try (RelayTestBed bed = RelayTestBed.create(workDir).withOutboxTable().withRequestTopic(3)) {
            OutboxRelay relay = bed.startRelay();
            Set<String> written = new HashSet<>();
            long start = System.nanoTime();
            for (int i = 0; i < ROWS; i++) {
                OutboxEvent event = bed.paymentEvent("pay_" + (i % 200), 200);
                bed.commit(event);
                written.add(event.id().toString());
            }
            double writeSeconds = (System.nanoTime() - start) / 1e9;
            await().atMost(Duration.ofMinutes(2)).until(() -> bed.received().size() >= ROWS);
            double relaySeconds = (System.nanoTime() - start) / 1e9;

            Set<String> arrived = bed.received().stream().map(r -> header(r, EventHeaders.EVENT_ID))
                    .collect(Collectors.toSet());
            assertThat(arrived).containsAll(written);

            Timer timer = relay.metrics().commitToAck();
            HistogramSnapshot snapshot = timer.takeSnapshot();
            StringBuilder report = new StringBuilder(String.format(
                    "%nrelay benchmark: %d rows, one transaction each, written in %.2f s (%.0f rows/s), "
                            + "all in Kafka after %.2f s%ncommit -> Kafka ack: count %d, mean %.1f ms, max %.1f ms",
                    ROWS, writeSeconds, ROWS / writeSeconds, relaySeconds, timer.count(),
                    timer.mean(TimeUnit.MILLISECONDS), timer.max(TimeUnit.MILLISECONDS)));
            for (ValueAtPercentile percentile : snapshot.percentileValues()) {
                report.append(String.format(", p%.0f %.1f ms", percentile.percentile() * 100,
                        percentile.value(TimeUnit.MILLISECONDS)));
            }
            System.out.println(report);
        }
    }
}
