package io.chargeonce.cli.deadletter;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.ReplayAudit;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.EventHeaders;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topic;
import io.chargeonce.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Re-publishes selected dead letters to the topic they came from with their ORIGINAL key, value
 * and headers, so the event id and payment id are kept and the processor's inbox, ledger and the
 * provider's idempotency key make a replay of something already applied a no-op. The only header
 * it changes is {@link EventHeaders#REPLAY_COUNT} (+1), which the processor reads as "an operator
 * replayed this" and this tool's loop guard reads as "how often already": at the limit the dead
 * letter goes to the parking topic instead, whole. Every run, dry or not, ends with one
 * {@link ReplayAudit} record; the audit is written last, after every replayed record was
 * acknowledged, so it never claims a replay that did not happen.
 */
public final class Replayer {
    private static final Logger log = LoggerFactory.getLogger(Replayer.class);

    private final DltSettings settings;
    private final Clock clock;

    public Replayer(DltSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public ReplayResult replay(ReplayPlan plan) throws InterruptedException {
        Topics topics = settings.topics();
        String runId = UUID.randomUUID().toString();
        Instant startedAt = clock.instant();
        try (SchemaRegistryClient registry = new SchemaRegistryClient(settings.registryUrl());
             DeadLetterReader reader = new DeadLetterReader(settings, registry)) {
            Set<String> done = plan.again() ? Set.of() : alreadyHandled(reader.audits(topics.replayAudit()));
            List<DeadLetterRecord> selected = new ArrayList<>();
            for (Topic<DeadLetter> topic : topics.deadLetters().values()) {
                reader.deadLetters(topic).stream().filter(plan.selection()::matches).forEach(selected::add);
            }
            List<DeadLetterRecord> replay = new ArrayList<>();
            List<DeadLetterRecord> park = new ArrayList<>();
            List<DeadLetterRecord> skipped = new ArrayList<>();
            List<DeadLetterRecord> unreadable = new ArrayList<>();
            for (DeadLetterRecord record : selected) {
                if (record.letter() == null) {
                    unreadable.add(record);
                } else if (done.contains(record.id())) {
                    skipped.add(record);
                } else if (record.replayCount() >= plan.maxReplays()) {
                    park.add(record);
                } else {
                    replay.add(record);
                }
            }
            WriteAccess.require(settings, writes(plan, replay, park));
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                if (!plan.dryRun()) {
                    send(producer, replay, park, plan.ratePerSecond());
                }
                ReplayResult result = new ReplayResult(runId, plan.dryRun(), selected.size(), replay, park, skipped, unreadable);
                audit(producer, registry, plan, result, startedAt);
                return result;
            }
        }
    }

    private void send(KafkaProducer<byte[], byte[]> producer, List<DeadLetterRecord> replay, List<DeadLetterRecord> park,
                      double ratePerSecond) throws InterruptedException {
        long intervalNanos = ratePerSecond <= 0 ? 0 : (long) (1_000_000_000L / ratePerSecond);
        long next = System.nanoTime();
        List<Future<?>> acks = new ArrayList<>();
        for (DeadLetterRecord record : replay) {
            next = pace(next, intervalNanos);
            DeadLetter letter = record.letter();
            int count = record.replayCount() + 1;
            log.info("replaying dead letter {} (payment {}, event {}) to {} as replay {}", record.id(),
                    letter.getPaymentId(), letter.getEventId(), letter.getOriginTopic(), count);
            acks.add(producer.send(new ProducerRecord<>(letter.getOriginTopic(), null,
                    DeadLetterRecord.bytes(letter.getOriginalKey()), DeadLetterRecord.bytes(letter.getOriginalValue()),
                    originalHeaders(letter, count))));
        }
        for (DeadLetterRecord record : park) {
            next = pace(next, intervalNanos);
            log.warn("parking dead letter {} (payment {}, event {}): replayed {} times already", record.id(),
                    record.paymentId(), record.eventId(), record.replayCount());
            Headers headers = new RecordHeaders(record.headers().toArray());
            headers.add("chargeonce.parked.from", record.id().getBytes(StandardCharsets.UTF_8));
            acks.add(producer.send(new ProducerRecord<>(settings.topics().deadLetterParking().name(), null,
                    record.key(), record.value(), headers)));
        }
        producer.flush();
        for (Future<?> ack : acks) {
            await(ack);
        }
    }

    /** Every topic this run will write: origins and parking unless dry, and the audit always. */
    private Set<String> writes(ReplayPlan plan, List<DeadLetterRecord> replay, List<DeadLetterRecord> park) {
        Set<String> topics = new LinkedHashSet<>();
        if (!plan.dryRun()) {
            replay.forEach(record -> topics.add(record.letter().getOriginTopic()));
            if (!park.isEmpty()) {
                topics.add(settings.topics().deadLetterParking().name());
            }
        }
        topics.add(settings.topics().replayAudit().name());
        return topics;
    }

    /** The original headers as the envelope kept them, with the replay count set to {@code count}. */
    static Headers originalHeaders(DeadLetter letter, int count) {
        Headers headers = new RecordHeaders();
        letter.getOriginalHeaders().forEach((name, value) -> {
            if (!name.equals(EventHeaders.REPLAY_COUNT)) {
                headers.add(name, DeadLetterRecord.bytes(value));
            }
        });
        headers.add(EventHeaders.REPLAY_COUNT, String.valueOf(count).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private void audit(KafkaProducer<byte[], byte[]> producer, SchemaRegistryClient registry, ReplayPlan plan,
                       ReplayResult result, Instant startedAt) {
        List<String> paymentIds = new ArrayList<>();
        List<String> eventIds = new ArrayList<>();
        for (DeadLetterRecord record : result.replayed()) {
            add(paymentIds, record.paymentId());
            add(eventIds, record.eventId());
        }
        result.parked().forEach(record -> add(paymentIds, record.paymentId()));
        ReplayAudit audit = ReplayAudit.newBuilder()
                .setRunId(result.runId())
                .setPrincipal(settings.principal())
                .setReason(plan.reason())
                .setDryRun(plan.dryRun())
                .setStartedAt(startedAt)
                .setFinishedAt(clock.instant())
                .setSelection(plan.describe())
                .setSelected(result.selected())
                .setReplayed(result.replayed().stream().map(DeadLetterRecord::id).toList())
                .setParked(result.parked().stream().map(DeadLetterRecord::id).toList())
                .setEventIds(eventIds)
                .setPaymentIds(paymentIds)
                .build();
        Topic<ReplayAudit> topic = settings.topics().replayAudit();
        byte[] value = AvroSerde.forTopic(topic, registry).serialize(audit);
        await(producer.send(new ProducerRecord<>(topic.name(), result.runId().getBytes(StandardCharsets.UTF_8), value)));
        log.info("replay run {} by {} ({}): {} selected, {} replayed, {} parked, {} skipped{}; reason: {}", result.runId(),
                settings.principal(), plan.describe(), result.selected(), result.replayed().size(), result.parked().size(),
                result.skipped().size(), plan.dryRun() ? " (dry run)" : "", plan.reason());
    }

    /** Dead letters an earlier real run replayed or parked. */
    private static Set<String> alreadyHandled(List<ReplayAudit> audits) {
        Set<String> ids = new HashSet<>();
        for (ReplayAudit audit : audits) {
            if (!audit.getDryRun()) {
                ids.addAll(audit.getReplayed());
                ids.addAll(audit.getParked());
            }
        }
        return ids;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties props = settings.client("replay");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static long pace(long next, long intervalNanos) throws InterruptedException {
        long wait = next - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait); // the --rate limit: a CLI pacing its own sends
        }
        return Math.max(next, System.nanoTime()) + intervalNanos;
    }

    private void await(Future<?> ack) {
        try {
            ack.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka to acknowledge a replay", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException denied) {
                throw settings.denied("Write", denied);
            }
            throw new IllegalStateException("Kafka refused a replay write: " + e.getCause(), e.getCause());
        }
    }

    private static void add(List<String> ids, String id) {
        if (id != null && !ids.contains(id)) {
            ids.add(id);
        }
    }
}
