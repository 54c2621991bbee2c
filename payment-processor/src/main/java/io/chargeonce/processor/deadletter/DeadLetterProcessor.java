package io.chargeonce.processor.deadletter;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.processor.ProcessorMetrics;
import io.chargeonce.processor.inbox.InboxProcessor;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a {@link Rejection} into a record on the dead-letter topic of its class: the original key,
 * the original headers plus Streams' {@code __streams.errors.*} headers, and a {@link DeadLetter}
 * envelope holding the original bytes, the error and the origin. Written inside the same EOS
 * transaction as the input offset, so a poison record is dead-lettered exactly once and the
 * pipeline moves on.
 *
 * <p>A dead-lettered event was never applied, so its inbox claim is released in the same
 * transaction: an operator's replay of it (same event id) is processed instead of being dropped
 * as a duplicate. The price: a relay redelivery of a poison record is dead-lettered again rather
 * than dropped; both copies are the same record and replaying both charges once, because the
 * first replay that is applied keeps its claim.
 */
public final class DeadLetterProcessor implements Processor<byte[], Rejection, byte[], DeadLetter> {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessor.class);

    private final Clock clock;
    private final ProcessorMetrics metrics;
    private final Function<FailureClass, String> sinkFor;
    private ProcessorContext<byte[], DeadLetter> context;
    private WindowStore<String, Long> inbox;

    /** @param sinkFor the name of the sink node that writes each failure class's topic */
    public DeadLetterProcessor(Clock clock, ProcessorMetrics metrics, Function<FailureClass, String> sinkFor) {
        this.clock = clock;
        this.metrics = metrics;
        this.sinkFor = sinkFor;
    }

    @Override
    public void init(ProcessorContext<byte[], DeadLetter> context) {
        this.context = context;
        this.inbox = context.getStateStore(InboxProcessor.STORE);
    }

    @Override
    public void process(Record<byte[], Rejection> record) {
        Rejection rejection = record.value();
        DeadLetter letter = envelope(rejection);
        log.atWarn().addKeyValue("paymentId", rejection.paymentId()).addKeyValue("eventId", rejection.eventId())
                .addKeyValue("decision", "dead_letter").addKeyValue("failureClass", rejection.failureClass())
                .addKeyValue("fingerprint", letter.getFingerprint())
                .log("dead-lettering {}-{}@{} (payment {}, event {}) as {} [{}]: {}", rejection.origin().topic(),
                        rejection.origin().partition(), rejection.origin().offset(), rejection.paymentId(),
                        rejection.eventId(), rejection.failureClass(), letter.getFingerprint(), letter.getErrorMessage());
        metrics.deadLetter(rejection.failureClass());
        if (rejection.eventId() != null) {
            InboxProcessor.release(inbox, rejection.eventId(), rejection.origin().timestamp());
            log.info("inbox claim on event {} released: it was dead-lettered, not applied", rejection.eventId());
        }
        context.forward(new Record<>(rejection.key(), letter, letter.getDeadLetteredAt().toEpochMilli(), headers(rejection)),
                sinkFor.apply(rejection.failureClass()));
    }

    private DeadLetter envelope(Rejection rejection) {
        Map<String, ByteBuffer> originalHeaders = new LinkedHashMap<>();
        for (Header header : rejection.headers()) {
            if (!header.key().startsWith(DeadLetterHeaders.PREFIX)) {
                originalHeaders.put(header.key(), ByteBuffer.wrap(header.value() == null ? new byte[0] : header.value()));
            }
        }
        return DeadLetter.newBuilder()
                .setFailureClass(rejection.failureClass())
                .setErrorClass(rejection.error().getClass().getName())
                .setErrorMessage(message(rejection.error()))
                .setFingerprint(fingerprint(rejection))
                .setOriginTopic(rejection.origin().topic())
                .setOriginPartition(rejection.origin().partition())
                .setOriginOffset(rejection.origin().offset())
                .setOriginTimestamp(Instant.ofEpochMilli(rejection.origin().timestamp()))
                .setPaymentId(rejection.paymentId())
                .setEventId(rejection.eventId())
                .setOriginalKey(rejection.key() == null ? null : ByteBuffer.wrap(rejection.key()))
                .setOriginalValue(rejection.value() == null ? null : ByteBuffer.wrap(rejection.value()))
                .setOriginalHeaders(originalHeaders)
                .setDeadLetteredAt(clock.instant())
                .build();
    }

    /** The original headers, minus any earlier error headers (a replayed record that failed again), plus this error's. */
    private static Headers headers(Rejection rejection) {
        Headers headers = new RecordHeaders();
        for (Header header : rejection.headers()) {
            if (!header.key().startsWith(DeadLetterHeaders.PREFIX)) {
                headers.add(header.key(), header.value());
            }
        }
        headers.add(DeadLetterHeaders.EXCEPTION, utf8(rejection.error().getClass().getName()));
        headers.add(DeadLetterHeaders.MESSAGE, utf8(message(rejection.error())));
        headers.add(DeadLetterHeaders.STACKTRACE, utf8(stackTrace(rejection.error())));
        headers.add(DeadLetterHeaders.TOPIC, utf8(rejection.origin().topic()));
        headers.add(DeadLetterHeaders.PARTITION, utf8(String.valueOf(rejection.origin().partition())));
        headers.add(DeadLetterHeaders.OFFSET, utf8(String.valueOf(rejection.origin().offset())));
        return headers;
    }

    /** Same class, same error type, same rule → same fingerprint, whatever ids the message names. */
    static String fingerprint(Rejection rejection) {
        String basis = rejection.failureClass() + "|" + rejection.error().getClass().getName() + "|" + rejection.reasonCode();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(utf8(basis));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String message(Throwable error) {
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }

    private static String stackTrace(Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
