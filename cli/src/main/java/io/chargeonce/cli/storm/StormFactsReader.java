package io.chargeonce.cli.storm;

import io.chargeonce.cli.demo.ApiClient;
import io.chargeonce.cli.load.PaymentOutcome;
import io.chargeonce.cli.verify.ProviderLedger;
import io.chargeonce.cli.verify.TopicReader;
import io.chargeonce.cli.verify.TopicReader.Isolation;
import io.chargeonce.processor.ProcessorMetrics;
import io.chargeonce.schemas.EventHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads {@link StormFacts} from the target's real systems, after waiting (up to a deadline) for
 * every accepted payment's terminal result to reach the result topics: the backlog a storm leaves
 * in the relay, the processor and the provider drains first, or is reported as stuck.
 */
final class StormFactsReader {

    private static final Duration RECHECK = Duration.ofSeconds(2);

    private final StormTarget target;
    private final Clock clock;
    private final PrintStream out;

    StormFactsReader(StormTarget target, Clock clock, PrintStream out) {
        this.target = target;
        this.clock = clock;
        this.out = out;
    }

    StormFacts read(List<PaymentOutcome> accepted, Instant drainDeadline) throws InterruptedException {
        Map<String, PaymentOutcome> byId = accepted.stream()
                .collect(Collectors.toMap(PaymentOutcome::paymentId, o -> o, (a, b) -> a));
        Map<String, Long> results = null;
        Set<String> onRequestTopic = null;
        Map<String, Instant> requestEventAt = null;
        long requestRecords = -1;
        long distinctEvents = -1;
        List<PaymentOutcome> unsettled;
        if (target.bootstrapServers() != null) {
            TopicReader reader = new TopicReader(target.bootstrapServers());
            results = awaitResults(reader, byId.keySet(), drainDeadline);
            Map<String, Long> settled = results;
            unsettled = accepted.stream().filter(o -> !settled.containsKey(o.paymentId())).toList();
            List<ConsumerRecord<byte[], byte[]>> requests = reader
                    .readAll(target.topics().paymentRequests().name(), Isolation.READ_COMMITTED).stream()
                    .filter(r -> r.key() != null && byId.containsKey(key(r))).toList();
            onRequestTopic = requests.stream().map(StormFactsReader::key).collect(Collectors.toSet());
            requestEventAt = requests.stream().collect(Collectors.toMap(StormFactsReader::key,
                    r -> Instant.ofEpochMilli(r.timestamp()), (a, b) -> a.isBefore(b) ? a : b));
            requestRecords = requests.size();
            distinctEvents = requests.stream().map(StormFactsReader::eventId).distinct().count();
        } else {
            unsettled = accepted.stream().filter(o -> !o.finalStatusVisible()).toList();
        }
        Map<String, String> apiStatus = apiStatus(unsettled);
        return new StormFacts(results, onRequestTopic, requestEventAt, requestRecords, distinctEvents, apiStatus,
                target.providerUrl() == null ? null : new ProviderStatsReader(target.providerUrl()).read(),
                target.providerUrl() == null ? null : succeededCharges(byId.keySet()),
                target.processorMeters() == null ? null : processor(target.processorMeters()));
    }

    /** Re-reads the result topics until every accepted payment has a terminal result, or the deadline. */
    private Map<String, Long> awaitResults(TopicReader reader, Set<String> ids, Instant deadline)
            throws InterruptedException {
        Instant lastPrinted = clock.instant();
        while (true) {
            Map<String, Long> results = new HashMap<>();
            Function<String, Map<String, Long>> perPayment = topic -> reader.readAll(topic, Isolation.READ_COMMITTED)
                    .stream().filter(r -> r.key() != null && ids.contains(key(r)))
                    .collect(Collectors.groupingBy(StormFactsReader::key, Collectors.counting()));
            perPayment.apply(target.topics().paymentConfirmed().name()).forEach((id, n) -> results.merge(id, n, Long::sum));
            perPayment.apply(target.topics().paymentFailed().name()).forEach((id, n) -> results.merge(id, n, Long::sum));
            long missing = ids.stream().filter(id -> !results.containsKey(id)).count();
            Instant now = clock.instant();
            if (missing == 0 || !now.isBefore(deadline)) {
                return results;
            }
            if (Duration.between(lastPrinted, now).toSeconds() >= 5) {
                out.printf("  draining: %d of %d accepted payments have no result event yet%n", missing, ids.size());
                lastPrinted = now;
            }
            Thread.sleep(RECHECK);
        }
    }

    /** What the API says about payments without a result event: NEEDS_ATTENTION is visible, PENDING is stuck. */
    private Map<String, String> apiStatus(List<PaymentOutcome> unsettled) {
        Map<Integer, ApiClient> apis = new HashMap<>();
        Map<String, String> status = new HashMap<>();
        for (PaymentOutcome o : unsettled) {
            ApiClient api = apis.computeIfAbsent(o.spec().merchant(),
                    m -> new ApiClient(target.apiUrl(), target.apiKeys().get(m)));
            try {
                status.put(o.paymentId(), String.valueOf(api.payment(o.paymentId()).paymentStatus()));
            } catch (UncheckedIOException e) {
                status.put(o.paymentId(), "UNKNOWN (payment-api did not answer)");
            }
        }
        return status;
    }

    private Map<String, Long> succeededCharges(Set<String> ids) {
        return new ProviderLedger(target.providerUrl()).charges().stream()
                .filter(ProviderLedger.Charge::succeeded)
                .filter(c -> c.paymentId() != null && ids.contains(c.paymentId()))
                .collect(Collectors.groupingBy(ProviderLedger.Charge::paymentId, Collectors.counting()));
    }

    private static StormFacts.Processor processor(MeterRegistry meters) {
        return new StormFacts.Processor(
                sum(meters.find(ProcessorMetrics.INBOX).tag("decision", "new")),
                sum(meters.find(ProcessorMetrics.INBOX).tag("decision", "duplicate")),
                sum(meters.find(ProcessorMetrics.LEDGER).tag("decision", "duplicate")),
                sum(meters.find(ProcessorMetrics.PROVIDER_CALLS).tag("call", "charge")),
                sum(meters.find(ProcessorMetrics.PROVIDER_CALLS).tag("call", "lookup")));
    }

    private static long sum(Search search) {
        return Math.round(search.counters().stream().mapToDouble(Counter::count).sum());
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    private static String eventId(ConsumerRecord<byte[], byte[]> record) {
        Header id = record.headers().lastHeader(EventHeaders.EVENT_ID);
        return id == null ? "offset-" + record.partition() + "-" + record.offset() : new String(id.value(), StandardCharsets.UTF_8);
    }
}
