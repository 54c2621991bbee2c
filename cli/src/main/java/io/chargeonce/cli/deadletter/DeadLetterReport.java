package io.chargeonce.cli.deadletter;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topic;
import io.chargeonce.schemas.Topics;
import org.apache.kafka.common.header.Header;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code dlt list} and {@code dlt show}: what is on the dead-letter topics (and the parking topic),
 * counted by class and fingerprint with the age of the oldest, and sample records decoded. Card
 * data never reaches a dead letter (requests carry none); payloads are shown only as the decoded
 * request's ids and amount, or the first bytes in hex when they do not decode.
 */
public final class DeadLetterReport {
    private static final int HEX_BYTES = 32;

    private final DltSettings settings;
    private final Clock clock;

    public DeadLetterReport(DltSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Every dead letter matching {@code selection}, per topic (class topics, then parking). */
    public Map<String, List<DeadLetterRecord>> read(Selection selection) {
        Topics topics = settings.topics();
        List<Topic<DeadLetter>> all = new ArrayList<>(topics.deadLetters().values());
        all.add(topics.deadLetterParking());
        Map<String, List<DeadLetterRecord>> byTopic = new LinkedHashMap<>();
        try (SchemaRegistryClient registry = new SchemaRegistryClient(settings.registryUrl());
             DeadLetterReader reader = new DeadLetterReader(settings, registry)) {
            for (Topic<DeadLetter> topic : all) {
                byTopic.put(topic.name(), reader.deadLetters(topic).stream().filter(selection::matches).toList());
            }
        }
        return byTopic;
    }

    public void list(Selection selection, PrintStream out) {
        Instant now = clock.instant();
        int total = 0;
        for (Map.Entry<String, List<DeadLetterRecord>> topic : read(selection).entrySet()) {
            List<DeadLetterRecord> records = topic.getValue();
            total += records.size();
            out.printf("%s: %d%s%n", topic.getKey(), records.size(),
                    records.isEmpty() ? "" : ", oldest " + age(oldest(records), now) + " ago");
            Map<String, List<DeadLetterRecord>> byFingerprint = new TreeMap<>();
            records.forEach(r -> byFingerprint.computeIfAbsent(r.fingerprint(), f -> new ArrayList<>()).add(r));
            byFingerprint.forEach((fingerprint, group) -> out.printf("  %-18s %-20s %5d  oldest %-8s %s%n", fingerprint,
                    group.getFirst().failureClass(), group.size(), age(oldest(group), now),
                    group.getFirst().letter() == null ? "" : oneLine(group.getFirst().letter().getErrorMessage())));
        }
        out.printf("%d dead letter(s) (%s)%n", total, selection.describe());
    }

    public void show(Selection selection, int limit, PrintStream out) {
        int shown = 0;
        try (SchemaRegistryClient registry = new SchemaRegistryClient(settings.registryUrl())) {
            AvroSerde<PaymentRequested> requests = AvroSerde.forTopic(settings.topics().paymentRequests(), registry);
            for (List<DeadLetterRecord> records : read(selection).values()) {
                for (DeadLetterRecord record : records) {
                    if (shown++ >= limit) {
                        out.printf("... more; narrow the selection or raise --limit%n");
                        return;
                    }
                    print(record, requests, out);
                }
            }
        }
        if (shown == 0) {
            out.printf("no dead letters (%s)%n", selection.describe());
        }
    }

    private static void print(DeadLetterRecord record, AvroSerde<PaymentRequested> requests, PrintStream out) {
        out.printf("%s at %s%n", record.id(), record.timestamp());
        DeadLetter letter = record.letter();
        if (letter == null) {
            out.printf("  envelope does not decode; first bytes %s%n", hex(record.value()));
            return;
        }
        out.printf("  class        %s   fingerprint %s   replayed %d time(s)%n", letter.getFailureClass(),
                letter.getFingerprint(), record.replayCount());
        out.printf("  error        %s: %s%n", letter.getErrorClass(), oneLine(letter.getErrorMessage()));
        out.printf("  origin       %s-%d@%d at %s%n", letter.getOriginTopic(), letter.getOriginPartition(),
                letter.getOriginOffset(), letter.getOriginTimestamp());
        out.printf("  payment      %s   event %s%n", letter.getPaymentId(), letter.getEventId());
        Map<String, String> headers = new TreeMap<>();
        letter.getOriginalHeaders().forEach((name, value) -> headers.put(name,
                StandardCharsets.UTF_8.decode(value.duplicate()).toString()));
        out.printf("  headers      %s%n", headers);
        byte[] value = DeadLetterRecord.bytes(letter.getOriginalValue());
        out.printf("  value        %s%n", decode(value, requests));
        Header trace = record.headers().lastHeader("__streams.errors.stacktrace");
        if (trace != null) {
            String first = new String(trace.value(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            out.printf("  stack trace  %s ...%n", first);
        }
    }

    private static String decode(byte[] value, AvroSerde<PaymentRequested> requests) {
        if (value == null) {
            return "(none: a tombstone)";
        }
        try {
            PaymentRequested request = requests.deserialize(value);
            return "PaymentRequested{payment " + request.getPaymentId() + ", event " + request.getEventId() + ", merchant "
                    + request.getMerchantId() + ", order " + request.getOrderId() + ", " + request.getAmountMinor() + " "
                    + request.getCurrency() + "}";
        } catch (RuntimeException e) {
            return value.length + " bytes, not a readable PaymentRequested (" + oneLine(e.getMessage()) + "): " + hex(value);
        }
    }

    static String hex(byte[] bytes) {
        if (bytes == null) {
            return "(null)";
        }
        String hex = HexFormat.ofDelimiter(" ").formatHex(Arrays.copyOf(bytes, Math.min(bytes.length, HEX_BYTES)));
        return bytes.length > HEX_BYTES ? hex + " ..." : hex;
    }

    private static Instant oldest(List<DeadLetterRecord> records) {
        return records.stream().map(DeadLetterRecord::timestamp).min(Comparator.naturalOrder()).orElseThrow();
    }

    static String age(Instant then, Instant now) {
        Duration age = Duration.between(then, now);
        if (age.isNegative()) {
            return "0s";
        }
        if (age.toDays() > 0) {
            return age.toDays() + "d" + age.toHoursPart() + "h";
        }
        if (age.toHours() > 0) {
            return age.toHours() + "h" + age.toMinutesPart() + "m";
        }
        return age.toMinutes() > 0 ? age.toMinutes() + "m" + age.toSecondsPart() + "s" : age.toSeconds() + "s";
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ");
    }
}
