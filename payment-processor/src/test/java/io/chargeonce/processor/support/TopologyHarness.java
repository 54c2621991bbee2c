package io.chargeonce.processor.support;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.events.PaymentConfirmed;
import io.chargeonce.events.PaymentFailed;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.events.RefundRequested;
import io.chargeonce.events.RefundSettled;
import io.chargeonce.events.RefundStatusChanged;
import io.chargeonce.processor.gateway.ChargeOutcome;
import io.chargeonce.processor.refund.RefundEntry;
import io.chargeonce.processor.refund.RefundLedger;
import io.chargeonce.processor.EventSerdes;
import io.chargeonce.processor.PaymentTopology;
import io.chargeonce.processor.ProcessorConfig;
import io.chargeonce.processor.ledger.LedgerEntry;
import io.chargeonce.processor.ledger.PaymentLedger;
import io.chargeonce.schemas.EventHeaders;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * The payment topology on a {@code TopologyTestDriver} with EOS on, a hand-answered gateway and a
 * clock that moves only when the test says, together with the driver's wall clock (which fires
 * the punctuators).
 */
public final class TopologyHarness implements AutoCloseable {
    public static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    public static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    public final ProcessorConfig config;
    public final MutableClock clock;
    public final FakeGateway gateway;
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final EventSerdes serdes;
    public final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> requests;
    private final TestOutputTopic<String, PaymentStatusChanged> status;
    private final TestOutputTopic<String, PaymentConfirmed> confirmed;
    private final TestOutputTopic<String, PaymentFailed> failed;
    private final Map<FailureClass, TestOutputTopic<byte[], DeadLetter>> deadLetters = new EnumMap<>(FailureClass.class);
    private final TestInputTopic<byte[], byte[]> refundRequests;
    private final TestOutputTopic<String, RefundStatusChanged> refundStatus;
    private final TestOutputTopic<String, RefundSettled> refundResults;

    public TopologyHarness(ProcessorConfig config, SchemaRegistryClient registry, MutableClock clock, FakeGateway gateway) {
        this.config = config;
        this.clock = clock;
        this.gateway = gateway;
        this.serdes = EventSerdes.avro(config.topics(), registry);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        driver = new TopologyTestDriver(
                PaymentTopology.build(config, serdes, gateway, clock, new SplittableRandom(42), meters),
                props, clock.instant());
        Topics topics = config.topics();
        requests = driver.createInputTopic(topics.paymentRequests().name(), new ByteArraySerializer(), new ByteArraySerializer());
        status = driver.createOutputTopic(topics.paymentStatus().name(), new StringDeserializer(), serdes.status());
        confirmed = driver.createOutputTopic(topics.paymentConfirmed().name(), new StringDeserializer(), serdes.confirmed());
        failed = driver.createOutputTopic(topics.paymentFailed().name(), new StringDeserializer(), serdes.failed());
        refundRequests = driver.createInputTopic(topics.refundRequests().name(), new ByteArraySerializer(), new ByteArraySerializer());
        refundStatus = driver.createOutputTopic(topics.refundStatus().name(), new StringDeserializer(), serdes.refundStatus());
        refundResults = driver.createOutputTopic(topics.refundResults().name(), new StringDeserializer(), serdes.refundResults());
        for (FailureClass failure : FailureClass.values()) {
            deadLetters.put(failure, driver.createOutputTopic(topics.deadLetter(failure).name(),
                    new ByteArrayDeserializer(), serdes.deadLetter(failure)));
        }
    }

    /** Test settings: a prefix of its own, a state dir of its own; everything else at its default. */
    public static ProcessorConfig.Builder config(String registryUrl, Path stateDir) {
        return ProcessorConfig.builder("driver.invalid:9092", registryUrl, "http://provider.invalid")
                .topics(Topics.withPrefix("test"))
                .stateDir(stateDir);
    }

    /** Sends the request as the relay would: key = payment id, headers id and traceparent. */
    public void send(PaymentRequested request) {
        sendRaw(utf8(request.getPaymentId()), serdes.requests().serialize(request), headers(request.getEventId()));
    }

    public void sendRaw(byte[] key, byte[] value, Headers headers) {
        requests.pipeInput(new TestRecord<>(key, value, headers, clock.instant()));
    }

    /** Sends the refund request as the relay would: key = PAYMENT id, headers id and traceparent. */
    public void sendRefund(RefundRequested request) {
        sendRefundRaw(utf8(request.getPaymentId()), serdes.refundRequests().serialize(request), headers(request.getEventId()));
    }

    public void sendRefundRaw(byte[] key, byte[] value, Headers headers) {
        refundRequests.pipeInput(new TestRecord<>(key, value, headers, clock.instant()));
    }

    /** Charges {@code request}'s payment and confirms it with {@code chargeId}; drains the payment outputs. */
    public void confirm(PaymentRequested request, String chargeId) {
        send(request);
        gateway.last().answer(new ChargeOutcome.Succeeded(chargeId));
        tick();
        statuses();
        confirmations();
    }

    public List<TestRecord<String, RefundStatusChanged>> refundStatuses() {
        return refundStatus.readRecordsToList();
    }

    public List<TestRecord<String, RefundSettled>> refundResults() {
        return refundResults.readRecordsToList();
    }

    public RefundEntry refund(String refundId) {
        RefundLedger ledger = new RefundLedger(driver.getKeyValueStore(RefundLedger.LEDGER_STORE),
                driver.getKeyValueStore(RefundLedger.DUE_INDEX_STORE), driver.getKeyValueStore(RefundLedger.BY_PAYMENT_STORE));
        return ledger.find(refundId).orElseThrow(() -> new AssertionError("refund " + refundId + " is not in the refund ledger"));
    }

    /**
     * Re-publishes a dead letter as {@code chargeonce dlt replay} does: to its origin topic, with its
     * original key, value and headers, and the replay count set to {@code count}.
     */
    public void replay(TestRecord<byte[], DeadLetter> deadLetter, int count) {
        DeadLetter letter = deadLetter.value();
        Headers headers = new RecordHeaders();
        letter.getOriginalHeaders().forEach((name, value) -> headers.add(name, bytes(value)));
        headers.remove(EventHeaders.REPLAY_COUNT);
        headers.add(EventHeaders.REPLAY_COUNT, utf8(String.valueOf(count)));
        byte[] value = bytes(letter.getOriginalValue());
        if (letter.getOriginTopic().equals(config.topics().refundRequests().name())) {
            sendRefundRaw(deadLetter.key(), value, headers);
        } else if (letter.getOriginTopic().equals(config.topics().paymentRequests().name())) {
            sendRaw(deadLetter.key(), value, headers);
        } else {
            throw new AssertionError("no input topic for a dead letter from " + letter.getOriginTopic());
        }
    }

    /**
     * Replays a provider-refused dead letter as {@code dlt replay}'s round {@code count} would,
     * lets {@code refuse} answer the call the ledger re-drives, and returns the one dead letter
     * that refusal made.
     */
    public TestRecord<byte[], DeadLetter> replayRefusedAgain(TestRecord<byte[], DeadLetter> deadLetter, int count,
                                                            Runnable refuse) {
        replay(deadLetter, count);
        refuse.run();
        List<TestRecord<byte[], DeadLetter>> letters = deadLetters(FailureClass.PROVIDER_TERMINAL);
        if (letters.size() != 1) {
            throw new AssertionError("replay " + count + " refused again made " + letters.size() + " dead letters, expected 1");
        }
        return letters.getFirst();
    }

    /** A dead letter's {@link EventHeaders#REPLAY_COUNT} in its envelope's original headers (what the loop guard reads); null if absent. */
    public static String originalReplayCount(TestRecord<byte[], DeadLetter> deadLetter) {
        ByteBuffer value = deadLetter.value().getOriginalHeaders().get(EventHeaders.REPLAY_COUNT);
        return value == null ? null : new String(bytes(value), StandardCharsets.UTF_8);
    }

    /** A dead letter's {@link EventHeaders#REPLAY_COUNT} in its record headers; null if absent. */
    public static String recordReplayCount(TestRecord<byte[], DeadLetter> deadLetter) {
        Header header = deadLetter.headers().lastHeader(EventHeaders.REPLAY_COUNT);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    public static Headers headers(String eventId) {
        Headers headers = new RecordHeaders();
        headers.add(EventHeaders.EVENT_ID, utf8(eventId));
        headers.add(EventHeaders.EVENT_TYPE, utf8("PaymentRequested"));
        headers.add(EventHeaders.TRACEPARENT, utf8(TRACEPARENT));
        return headers;
    }

    /** One punctuation: applies finished calls and re-drives what is due now. */
    public void tick() {
        advance(config.outcomePollInterval());
    }

    /** Moves our clock and the driver's wall clock together; fires the punctuator once. */
    public void advance(Duration duration) {
        clock.advance(duration);
        driver.advanceWallClockTime(duration);
    }

    public List<TestRecord<String, PaymentStatusChanged>> statuses() {
        return status.readRecordsToList();
    }

    public List<PaymentConfirmed> confirmations() {
        return confirmed.readValuesToList();
    }

    public List<PaymentFailed> failures() {
        return failed.readValuesToList();
    }

    public List<TestRecord<byte[], DeadLetter>> deadLetters(FailureClass failure) {
        return deadLetters.get(failure).readRecordsToList();
    }

    public PaymentLedger ledger() {
        return new PaymentLedger(driver.getKeyValueStore(PaymentLedger.LEDGER_STORE),
                driver.getKeyValueStore(PaymentLedger.DUE_INDEX_STORE));
    }

    public LedgerEntry entry(String paymentId) {
        return ledger().find(paymentId).orElseThrow(() -> new AssertionError("payment " + paymentId + " is not in the ledger"));
    }

    public double count(String meter, String... tags) {
        Counter counter = meters.find(meter).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        driver.close();
    }
}
