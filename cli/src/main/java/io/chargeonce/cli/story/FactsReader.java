package io.chargeonce.cli.story;

import io.chargeonce.cli.story.PaymentFacts.Aborted;
import io.chargeonce.cli.story.PaymentFacts.DeadLettered;
import io.chargeonce.cli.story.PaymentFacts.Relayed;
import io.chargeonce.cli.story.PaymentFacts.Settlement;
import io.chargeonce.cli.story.PaymentFacts.StatusChange;
import io.chargeonce.cli.story.PaymentFacts.Undecodable;
import io.chargeonce.cli.verify.History.Coordinates;
import io.chargeonce.cli.verify.Database;
import io.chargeonce.cli.verify.History.Outcome;
import io.chargeonce.cli.verify.HistorySources;
import io.chargeonce.cli.verify.ProviderLedger;
import io.chargeonce.cli.verify.ProviderLedger.Charge;
import io.chargeonce.cli.verify.RefundHistory;
import io.chargeonce.cli.verify.RefundsTable;
import io.chargeonce.cli.verify.TopicReader;
import io.chargeonce.cli.verify.TopicReader.Isolation;
import io.chargeonce.cli.verify.TopicReader.Snapshot;
import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.PaymentConfirmed;
import io.chargeonce.events.PaymentFailed;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.events.RefundRequested;
import io.chargeonce.events.RefundSettled;
import io.chargeonce.events.RefundStatusChanged;
import io.chargeonce.processor.gateway.IdempotencyKeys;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.EventHeaders;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topic;
import io.chargeonce.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the {@link PaymentFacts} of one payment from the real systems: every chargeonce topic
 * through one {@code read_committed} consumer (the verifier's {@link TopicReader}), the provider's
 * ledger and its answer for the payment's key, then payment-api's refund rows, its audit trail and
 * its payment row, read last so the status it serves is at least as new as the events before it.
 *
 * <p>The status and result topics (of payments and refunds) are read a second time
 * {@code read_uncommitted}, only to find this payment's writes of aborted transactions: the trace a crash or a fenced zombie leaves.
 *
 * <p>Records are matched by key before anything is decoded (every chargeonce topic is keyed by
 * payment id), so only this payment's records are ever deserialized, each once. A dead letter whose
 * key is not the payment id (a poison record's own key) still belongs to the story when it carries
 * one of the payment's request event ids.
 */
public final class FactsReader {

    private static final Logger log = LoggerFactory.getLogger(FactsReader.class);

    private final HistorySources sources;
    private final Clock clock;

    public FactsReader(HistorySources sources, Clock clock) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public PaymentFacts read(String paymentId) {
        long started = System.nanoTime();
        Topics catalog = sources.topics();
        byte[] key = paymentId.getBytes(StandardCharsets.UTF_8);
        Map<String, Topic<DeadLetter>> deadLetterTopics = new LinkedHashMap<>();
        catalog.deadLetters().values().forEach(t -> deadLetterTopics.put(t.name(), t));
        deadLetterTopics.put(catalog.deadLetterParking().name(), catalog.deadLetterParking());
        List<String> names = new ArrayList<>(List.of(catalog.paymentRequests().name(), catalog.paymentStatus().name(),
                catalog.paymentConfirmed().name(), catalog.paymentFailed().name()));
        names.addAll(List.of(catalog.refundRequests().name(), catalog.refundStatus().name(), catalog.refundResults().name()));
        names.addAll(deadLetterTopics.keySet());
        TopicReader reader = new TopicReader(sources.bootstrapServers());
        Map<String, Snapshot> topics = reader.snapshots(names, Isolation.READ_COMMITTED);
        List<String> transactional = List.of(catalog.paymentStatus().name(), catalog.paymentConfirmed().name(),
                catalog.paymentFailed().name(), catalog.refundStatus().name(), catalog.refundResults().name());
        List<Aborted> aborted = aborted(topics, reader.snapshots(transactional, Isolation.READ_UNCOMMITTED), key);

        List<Undecodable> unreadable = new ArrayList<>();
        List<Relayed> requests = mine(topics.get(catalog.paymentRequests().name()), key).stream()
                .map(r -> new Relayed(header(r, EventHeaders.EVENT_ID), at(r), Instant.ofEpochMilli(r.timestamp()))).toList();
        List<ConsumerRecord<byte[], byte[]>> refundRequests = mine(topics.get(catalog.refundRequests().name()), key);
        Set<String> eventIds = requests.stream().map(Relayed::eventId).filter(Objects::nonNull).collect(Collectors.toSet());
        refundRequests.stream().map(r -> header(r, EventHeaders.EVENT_ID)).filter(Objects::nonNull).forEach(eventIds::add);
        List<StatusChange> statuses;
        List<RefundFacts.Requested> refundsRequested;
        List<RefundFacts.StatusChange> refundStatuses;
        List<RefundFacts.Settled> refundResults;
        List<Settlement> results = new ArrayList<>();
        List<DeadLettered> deadLetters = new ArrayList<>();
        try (SchemaRegistryClient registry = new SchemaRegistryClient(sources.registryUrl())) {
            statuses = decode(catalog.paymentStatus(), registry, mine(topics.get(catalog.paymentStatus().name()), key),
                    unreadable, (s, r) -> new StatusChange(s.getEventId(), s.getStatus(), s.getReason(),
                            s.getProviderChargeId(), s.getAttempt(), s.getOccurredAt(), at(r)));
            results.addAll(decode(catalog.paymentConfirmed(), registry, mine(topics.get(catalog.paymentConfirmed().name()), key),
                    unreadable, (c, r) -> new Settlement(c.getEventId(), Outcome.CONFIRMED,
                            "charge " + c.getProviderChargeId(), c.getAttempts(), c.getConfirmedAt(), at(r))));
            results.addAll(decode(catalog.paymentFailed(), registry, mine(topics.get(catalog.paymentFailed().name()), key),
                    unreadable, (f, r) -> new Settlement(f.getEventId(), Outcome.FAILED,
                            f.getReasonCode() + ": " + f.getReason(), f.getAttempts(), f.getFailedAt(), at(r))));
            refundsRequested = refundRequests(catalog, registry, refundRequests);
            refundStatuses = decode(catalog.refundStatus(), registry, mine(topics.get(catalog.refundStatus().name()), key),
                    unreadable, (s, r) -> new RefundFacts.StatusChange(s.getRefundId(), s.getEventId(), s.getStatus(),
                            s.getReason(), s.getReasonCode(), s.getProviderRefundId(), s.getAttempt(), s.getOccurredAt(), at(r)));
            refundResults = decode(catalog.refundResults(), registry, mine(topics.get(catalog.refundResults().name()), key),
                    unreadable, (s, r) -> new RefundFacts.Settled(s.getRefundId(), s.getEventId(), s.getStatus(),
                            s.getAmountMinor(), s.getCurrency(), s.getProviderRefundId(), s.getReasonCode(), s.getReason(),
                            s.getAttempts(), s.getSettledAt(), at(r)));
            deadLetterTopics.forEach((name, topic) -> {
                List<ConsumerRecord<byte[], byte[]>> letters = topics.get(name).records().stream()
                        .filter(r -> Arrays.equals(r.key(), key) || eventIds.contains(header(r, EventHeaders.EVENT_ID)))
                        .toList();
                deadLetters.addAll(deadLetters(topic, registry, letters, unreadable));
            });
        }
        String providerKey = IdempotencyKeys.forPayment(paymentId);
        ProviderLedger.Ledger provider = new ProviderLedger(sources.providerUrl()).read();
        List<Charge> ledger = provider.charges().stream()
                .filter(c -> paymentId.equals(c.paymentId()) || providerKey.equals(c.idempotencyKey())).toList();
        List<ProviderLookup.KeyedCharge> lookup = new ProviderLookup(sources.providerUrl()).byKey(providerKey);
        Database database = Database.of(sources);
        List<RefundHistory.Refund> refundRows = new RefundsTable(database).ofPayment(paymentId);
        Set<String> refundIds = new HashSet<>();
        refundRows.forEach(r -> refundIds.add(r.id()));
        refundsRequested.forEach(r -> refundIds.add(r.refundId()));
        refundStatuses.forEach(r -> refundIds.add(r.refundId()));
        refundResults.forEach(r -> refundIds.add(r.refundId()));
        refundIds.remove(null);
        Set<String> chargeIds = ledger.stream().map(Charge::id).collect(Collectors.toSet());
        // by payment, refund id, refund key or charge: a refund made under a stray key or without metadata still shows
        List<ProviderLedger.Refund> providerRefunds = provider.refunds().stream()
                .filter(r -> paymentId.equals(r.paymentId()) || refundIds.contains(r.refundId())
                        || refundIds.stream().anyMatch(id -> RefundHistory.providerKey(id).equals(r.idempotencyKey()))
                        || chargeIds.contains(r.chargeId()))
                .toList();
        List<AuditEntry> auditTrail = new AuditTrail(database).of(paymentId);
        Optional<Intent> intent = new Intents(database).find(paymentId);
        log.info("story of payment {} read in {} ms: intent {}, {} request records, {} status events, {} results, "
                        + "{} dead letters, {} provider charges; {} refunds, {} refund request records, {} refund status events, "
                        + "{} refund results, {} provider refunds, {} audit rows", paymentId,
                (System.nanoTime() - started) / 1_000_000, intent.isPresent() ? "found" : "absent", requests.size(),
                statuses.size(), results.size(), deadLetters.size(), ledger.size(), refundRows.size(),
                refundsRequested.size(), refundStatuses.size(), refundResults.size(), providerRefunds.size(), auditTrail.size());
        return new PaymentFacts(paymentId, intent, requests, statuses, results, deadLetters, providerKey, ledger, lookup,
                unreadable, aborted, clock.instant(),
                new RefundFacts(refundRows, refundsRequested, refundStatuses, refundResults, providerRefunds), auditTrail);
    }

    /**
     * The payment's refund request records, each with the refund it asks for. A body that does not
     * decode is no story's business here: the processor dead-letters it, and the dead letter (found by
     * key or event id) tells it; the record itself still shows, without a refund id.
     */
    private static List<RefundFacts.Requested> refundRequests(Topics catalog, SchemaRegistryClient registry,
                                                              List<ConsumerRecord<byte[], byte[]>> records) {
        List<Undecodable> ignored = new ArrayList<>();
        Map<Coordinates, String> refundIds = decode(catalog.refundRequests(), registry, records, ignored,
                (RefundRequested request, ConsumerRecord<byte[], byte[]> r) -> Map.entry(at(r), request.getRefundId()))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return records.stream().map(r -> new RefundFacts.Requested(refundIds.get(at(r)), header(r, EventHeaders.EVENT_ID), at(r),
                Instant.ofEpochMilli(r.timestamp()))).toList();
    }

    /**
     * This payment's records a {@code read_uncommitted} reader saw below the committed read's last
     * stable offset that the committed read did not: below that offset every transaction is decided,
     * so each was written by one that aborted (a processor that crashed or was fenced mid-transaction).
     */
    private static List<Aborted> aborted(Map<String, Snapshot> committed, Map<String, Snapshot> uncommitted, byte[] key) {
        List<Aborted> aborted = new ArrayList<>();
        uncommitted.forEach((topic, snapshot) -> {
            Snapshot visible = committed.get(topic);
            Set<Coordinates> seen = mine(visible, key).stream().map(FactsReader::at).collect(Collectors.toSet());
            mine(snapshot, key).stream()
                    .filter(r -> r.offset() < visible.endOffset(r.partition()))
                    .filter(r -> !seen.contains(at(r)))
                    .forEach(r -> aborted.add(new Aborted(Instant.ofEpochMilli(r.timestamp()), at(r))));
        });
        return aborted;
    }

    private static List<ConsumerRecord<byte[], byte[]>> mine(Snapshot snapshot, byte[] key) {
        return snapshot.records().stream().filter(r -> Arrays.equals(r.key(), key)).toList();
    }

    private interface Reading<T, R> {
        R apply(T value, ConsumerRecord<byte[], byte[]> record);
    }

    private static <T extends SpecificRecord, R> List<R> decode(Topic<T> topic, SchemaRegistryClient registry,
                                                               List<ConsumerRecord<byte[], byte[]>> records,
                                                               List<Undecodable> unreadable, Reading<T, R> reading) {
        if (records.isEmpty()) {
            return List.of();
        }
        AvroSerde<T> serde = AvroSerde.forTopic(topic, registry);
        List<R> decoded = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                decoded.add(reading.apply(Objects.requireNonNull(serde.deserialize(topic.name(), record.value()),
                        "a tombstone"), record));
            } catch (RuntimeException e) {
                unreadable.add(new Undecodable(problem(e), Instant.ofEpochMilli(record.timestamp()), at(record)));
            }
        }
        return decoded;
    }

    private static List<DeadLettered> deadLetters(Topic<DeadLetter> topic, SchemaRegistryClient registry,
                                                  List<ConsumerRecord<byte[], byte[]>> records, List<Undecodable> unreadable) {
        String classFromTopic = topic.name().replaceAll("^.*\\.dlt\\.", "").replaceAll("\\.v\\d+$", "")
                .toUpperCase(Locale.ROOT).replace('-', '_');
        Function<ConsumerRecord<byte[], byte[]>, DeadLettered> fromHeaders = r -> new DeadLettered(classFromTopic,
                null, null, null, header(r, EventHeaders.EVENT_ID), null, Instant.ofEpochMilli(r.timestamp()), at(r));
        List<DeadLettered> letters = new ArrayList<>();
        List<Undecodable> problems = new ArrayList<>();
        letters.addAll(decode(topic, registry, records, problems, (d, r) -> new DeadLettered(d.getFailureClass().name(),
                d.getErrorClass(), d.getErrorMessage(), d.getFingerprint(),
                d.getEventId() != null ? d.getEventId() : header(r, EventHeaders.EVENT_ID),
                new Coordinates(d.getOriginTopic(), d.getOriginPartition(), d.getOriginOffset()), d.getDeadLetteredAt(), at(r))));
        // a dead letter whose body is bad is still a dead letter: tell it from its headers
        Set<Coordinates> bad = problems.stream().map(Undecodable::at).collect(Collectors.toSet());
        records.stream().filter(r -> bad.contains(at(r))).map(fromHeaders).forEach(letters::add);
        unreadable.addAll(problems);
        return letters;
    }

    private static Coordinates at(ConsumerRecord<?, ?> record) {
        return new Coordinates(record.topic(), record.partition(), record.offset());
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The error's type and message: serde messages name ids and schema problems, never field values. */
    private static String problem(RuntimeException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
