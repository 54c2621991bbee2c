package io.chargeonce.cli.storm;

import io.chargeonce.cli.Stack;
import io.chargeonce.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;

/**
 * The stack a storm blows at, and where each layer's truth can be read. Only the API is required:
 * without a provider URL the provider layer and "charged twice" are not measured, without Kafka the
 * inbox layer and "lost requests" are not, without the processor's meters its own counters are not;
 * the report says so instead of guessing.
 *
 * @param apiUrl           payment-api base URL
 * @param apiKeys          merchants' API keys (never printed)
 * @param providerUrl      the provider simulator's base URL, or {@code null}
 * @param bootstrapServers Kafka, or {@code null}
 * @param topics           the topic catalog of that stack
 * @param processorMeters  the processor's meter registry when it runs in this JVM, or {@code null}
 */
public record StormTarget(
        String apiUrl,
        List<String> apiKeys,
        String providerUrl,
        String bootstrapServers,
        Topics topics,
        MeterRegistry processorMeters) {

    public StormTarget {
        apiKeys = List.copyOf(apiKeys);
    }

    /** A stack running in this JVM: every layer can be read. */
    public static StormTarget of(Stack stack, List<String> apiKeys) {
        return new StormTarget(stack.apiUrl(), apiKeys, stack.sandbox().provider().url(),
                stack.sandbox().kafka().bootstrapServers(), stack.topics(), stack.meters());
    }
}
