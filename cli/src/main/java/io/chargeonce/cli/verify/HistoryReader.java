package io.chargeonce.cli.verify;

import io.chargeonce.cli.verify.History.Coordinates;
import io.chargeonce.cli.verify.History.DeadLetterRecord;
import io.chargeonce.cli.verify.History.Outcome;
import io.chargeonce.cli.verify.History.Payment;
import io.chargeonce.cli.verify.History.Request;
import io.chargeonce.cli.verify.History.Result;
import io.chargeonce.cli.verify.History.StatusEvent;
import io.chargeonce.cli.verify.History.Unreadable;
import io.chargeonce.cli.verify.TopicReader.Isolation;
import io.chargeonce.cli.verify.TopicReader.Snapshot;
import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.PaymentConfirmed;
import io.chargeonce.events.PaymentFailed;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.events.RefundSettled;
import io.chargeonce.events.RefundStatusChanged;
import io.chargeonce.processor.deadletter.DeadLetterHeaders;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.EventHeaders;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topic;
import io.chargeonce.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the complete {@link History} from the real systems: Kafka topics from their beginning
 * ({@code read_committed}, plus {@code read_uncommitted} on the result topics to count aborted
 * writes), the provider's ledger over HTTP, and payment-api's tables over JDBC, refunds included
 * where the system has them.
 *
 * <p>It reads downstream first and the payments table last. Every result, status event and charge
 * was caused by a payment row committed before it, so a record can never look orphaned just because
 * the table was read too early; on a quiet system the order does not matter at all, on a busy one
 * the only artefacts are payments too new to have results, which {@link Backlog#IN_FLIGHT} tolerates.
 * The refunds table is read after the provider's ledger and before the payments table for the same
 * reason: a provider refund is made only for a committed refund row, and a refund row only for a
 * committed (CONFIRMED) payment. What a refund row says after the ledger was read (a refund settled
 * in between) is judged against the provider only once the backlog drained.
 */
public final class HistoryReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HistoryReader.class);

    /** How often {@link #awaitDrained} asks Postgres and Kafka; two cheap questions next to a payment's journey. */
    private static final Duration DRAIN_POLL = Duration.ofMillis(200);

    private final HistorySources sources;
    private final Clock clock;
    private final TopicReader topics;
    private final PaymentsTable payments;
    private final RefundsTable refunds;
    private final ProviderLedger ledger;
    private final SchemaRegistryClient registry;
    private final InputBacklog input;

    public HistoryReader(HistorySources sources, Clock clock) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.topics = new TopicReader(sources.bootstrapServers());
        Database database = Database.of(sources);
        this.payments = new PaymentsTable(database);
        this.refunds = new RefundsTable(database);
        this.ledger = new ProviderLedger(sources.providerUrl());
        this.registry = new SchemaRegistryClient(sources.registryUrl());
        this.input = new InputBacklog(sources.bootstrapServers());
    }

    /**
     * Waits until payment-api serves no payment and no refund as PENDING and the processor has
     * committed past every payment and refund request record (so every poison record's dead letter
     * is visible too), or {@code deadline} passes.
     * That is all it says: whether nothing more is on its way (no client still paying, no relay still
     * catching up) is the caller's knowledge, and so is the {@link Backlog} it then asks to be judged by.
     *
     * @return what was still moving when it returned; {@link Drain#drained()} if nothing was
     */
    public Drain awaitDrained(Instant deadline) throws InterruptedException {
        Drain drain = drain();
        while (!drain.drained()) {
            if (!clock.instant().isBefore(deadline)) {
                log.info("not drained at the deadline {}: {}", deadline, drain);
                return drain;
            }
            Thread.sleep(DRAIN_POLL);
            drain = drain();
        }
        return drain;
    }

    /** What is still moving right now. */
    public Drain drain() {
        Topics catalog = sources.topics();
        return new Drain(payments.pending(), input.unprocessed(catalog.paymentRequests().name()),
                refunds.pending(), input.unprocessed(catalog.refundRequests().name()));
    }

    public History read() {
        Topics catalog = sources.topics();
        String confirmedTopic = catalog.paymentConfirmed().name();
        String failedTopic = catalog.paymentFailed().name();
        List<String> names = catalog.all().stream().map(Topic::name).toList();
        long started = System.nanoTime();
        Map<String, Snapshot> committed = topics.snapshots(names, Isolation.READ_COMMITTED);
        String refundResultsTopic = catalog.refundResults().name();
        Map<String, Snapshot> uncommitted = topics.snapshots(List.of(confirmedTopic, failedTopic, refundResultsTopic),
                Isolation.READ_UNCOMMITTED);

        List<Unreadable> unreadable = new ArrayList<>();
        List<Request> requests = requests(committed.get(catalog.paymentRequests().name()));
        List<DeadLetterRecord> deadLetters = new ArrayList<>();
        for (Topic<DeadLetter> dlt : catalog.deadLetters().values()) {
            deadLetters.addAll(deadLetters(dlt, committed.get(dlt.name()), unreadable));
        }
        List<StatusEvent> statusEvents = statusEvents(catalog.paymentStatus(), committed.get(catalog.paymentStatus().name()),
                unreadable);
        List<Result> results = new ArrayList<>();
        results.addAll(results(catalog.paymentConfirmed(), committed.get(confirmedTopic), Outcome.CONFIRMED,
                PaymentConfirmed::getPaymentId, PaymentConfirmed::getEventId, unreadable));
        results.addAll(results(catalog.paymentFailed(), committed.get(failedTopic), Outcome.FAILED,
                PaymentFailed::getPaymentId, PaymentFailed::getEventId, unreadable));
        long aborted = aborted(committed.get(confirmedTopic), uncommitted.get(confirmedTopic))
                + aborted(committed.get(failedTopic), uncommitted.get(failedTopic));
        List<Request> refundRequests = requests(committed.get(catalog.refundRequests().name()));
        AvroSerde<RefundStatusChanged> refundStatusSerde = AvroSerde.forTopic(catalog.refundStatus(), registry);
        List<RefundHistory.StatusEvent> refundStatus = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : committed.get(catalog.refundStatus().name()).records()) {
            RefundStatusChanged event = decode(refundStatusSerde, record, RefundStatusChanged::getPaymentId, unreadable);
            if (event != null) {
                refundStatus.add(new RefundHistory.StatusEvent(event.getPaymentId(), event.getRefundId(), event.getEventId(),
                        event.getStatus(), event.getReason(), at(record)));
            }
        }
        AvroSerde<RefundSettled> refundResultSerde = AvroSerde.forTopic(catalog.refundResults(), registry);
        List<RefundHistory.Settled> refundResults = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : committed.get(refundResultsTopic).records()) {
            RefundSettled settled = decode(refundResultSerde, record, RefundSettled::getPaymentId, unreadable);
            if (settled != null) {
                refundResults.add(new RefundHistory.Settled(settled.getPaymentId(), settled.getRefundId(), settled.getEventId(),
                        settled.getStatus(), settled.getAmountMinor(), settled.getCurrency(), settled.getProviderRefundId(),
                        at(record)));
            }
        }
        long abortedRefundResults = aborted(committed.get(refundResultsTopic), uncommitted.get(refundResultsTopic));
        ProviderLedger.Ledger provider = ledger.read();
        List<RefundHistory.Refund> refundRows = refunds.all();
        List<Payment> rows = payments.all();
        log.info("history read in {} ms: {} payments, {} request records, {} status events, {} results ({} aborted), "
                        + "{} dead letters, {} provider charges, {} unreadable records; {} refunds, {} refund request records, "
                        + "{} refund status events, {} refund results ({} aborted), {} provider refunds",
                (System.nanoTime() - started) / 1_000_000, rows.size(), requests.size(), statusEvents.size(), results.size(),
                aborted, deadLetters.size(), provider.charges().size(), unreadable.size(), refundRows.size(),
                refundRequests.size(), refundStatus.size(), refundResults.size(), abortedRefundResults,
                provider.refunds().size());
        return new History(rows, requests, statusEvents, results, aborted, deadLetters, provider.charges(),
                provider.replays(), unreadable, new RefundHistory(refundRows, refundRequests, refundStatus, refundResults,
                abortedRefundResults, provider.refunds()));
    }

    /** Request records by key and event id header, undecoded: the processor, not the verifier, judges their bodies. */
    private static List<Request> requests(Snapshot snapshot) {
        return snapshot.records().stream()
                .map(r -> new Request(text(r.key()), header(r.headers(), EventHeaders.EVENT_ID), at(r))).toList();
    }


    private List<DeadLetterRecord> deadLetters(Topic<DeadLetter> topic, Snapshot snapshot, List<Unreadable> unreadable) {
        AvroSerde<DeadLetter> serde = AvroSerde.forTopic(topic, registry);
        List<DeadLetterRecord> letters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : snapshot.records()) {
            String eventId = header(record.headers(), EventHeaders.EVENT_ID);
            Coordinates origin = originFromHeaders(record.headers());
            try {
                DeadLetter letter = Objects.requireNonNull(serde.deserialize(topic.name(), record.value()), "a tombstone");
                eventId = letter.getEventId() != null ? letter.getEventId() : eventId;
                origin = new Coordinates(letter.getOriginTopic(), letter.getOriginPartition(), letter.getOriginOffset());
            } catch (RuntimeException e) {
                // still counted as a dead letter, from its headers: the record exists even if its body is bad
                unreadable.add(new Unreadable(text(record.key()), problem(e), at(record)));
            }
            letters.add(new DeadLetterRecord(text(record.key()), eventId, origin, at(record)));
        }
        return letters;
    }

    private List<StatusEvent> statusEvents(Topic<PaymentStatusChanged> topic, Snapshot snapshot, List<Unreadable> unreadable) {
        AvroSerde<PaymentStatusChanged> serde = AvroSerde.forTopic(topic, registry);
        List<StatusEvent> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : snapshot.records()) {
            PaymentStatusChanged event = decode(serde, record, PaymentStatusChanged::getPaymentId, unreadable);
            if (event != null) {
                events.add(new StatusEvent(event.getPaymentId(), event.getEventId(), event.getStatus(), event.getReason(),
                        at(record)));
            }
        }
        return events;
    }

    private <T extends SpecificRecord> List<Result> results(Topic<T> topic, Snapshot snapshot, Outcome outcome,
                                                            Function<T, String> paymentId, Function<T, String> eventId,
                                                            List<Unreadable> unreadable) {
        AvroSerde<T> serde = AvroSerde.forTopic(topic, registry);
        List<Result> results = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : snapshot.records()) {
            T value = decode(serde, record, paymentId, unreadable);
            if (value != null) {
                results.add(new Result(paymentId.apply(value), eventId.apply(value), outcome, at(record)));
            }
        }
        return results;
    }

    /**
     * Records a {@code read_uncommitted} reader saw below the last stable offset of the committed
     * read, which {@code read_committed} did not: below that offset every transaction is decided, so
     * each such record was written by one that aborted.
     */
    private static long aborted(Snapshot committed, Snapshot uncommitted) {
        Set<Coordinates> visible = new HashSet<>();
        committed.records().forEach(r -> visible.add(at(r)));
        return uncommitted.records().stream()
                .filter(r -> r.offset() < committed.endOffset(r.partition()))
                .filter(r -> !visible.contains(at(r)))
                .count();
    }

    /** The decoded value, or null after noting why it is unreadable (also when its key names another payment). */
    private static <T extends SpecificRecord> T decode(
            AvroSerde<T> serde, ConsumerRecord<byte[], byte[]> record, Function<T, String> paymentId, List<Unreadable> unreadable) {
        String key = text(record.key());
        T value;
        try {
            value = Objects.requireNonNull(serde.deserialize(record.topic(), record.value()), "a tombstone");
        } catch (RuntimeException e) {
            unreadable.add(new Unreadable(key, problem(e), at(record)));
            return null;
        }
        if (!Objects.equals(key, paymentId.apply(value))) {
            unreadable.add(new Unreadable(key, "key names payment " + key + " but the event names payment "
                    + paymentId.apply(value), at(record)));
        }
        return value;
    }

    private static Coordinates originFromHeaders(Headers headers) {
        String topic = header(headers, DeadLetterHeaders.TOPIC);
        String partition = header(headers, DeadLetterHeaders.PARTITION);
        String offset = header(headers, DeadLetterHeaders.OFFSET);
        try {
            return topic == null || partition == null || offset == null ? null
                    : new Coordinates(topic, Integer.parseInt(partition), Long.parseLong(offset));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Coordinates at(ConsumerRecord<?, ?> record) {
        return new Coordinates(record.topic(), record.partition(), record.offset());
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** The error's type and message: serde messages name ids and schema problems, never field values. */
    private static String problem(RuntimeException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public void close() {
        input.close();
        registry.close();
    }
}
