package io.chargeonce.processor.deadletter;

/**
 * Kafka Streams' dead-letter headers (KIP-1034). Written with the same names and encodings
 * (UTF-8 text, partition and offset in decimal) as Streams' own DLQ records, so tools that read
 * those read ours. Copied here because Streams keeps them in an internal package.
 */
public final class DeadLetterHeaders {
    public static final String PREFIX = "__streams.errors.";
    public static final String EXCEPTION = PREFIX + "exception";
    public static final String MESSAGE = PREFIX + "message";
    public static final String STACKTRACE = PREFIX + "stacktrace";
    public static final String TOPIC = PREFIX + "topic";
    public static final String PARTITION = PREFIX + "partition";
    public static final String OFFSET = PREFIX + "offset";

    private DeadLetterHeaders() {
    }
}
