/**
 * chargeonce's event contracts on Kafka: the topic catalog ({@link io.chargeonce.schemas.Topics}),
 * header names ({@link io.chargeonce.schemas.EventHeaders}) and the Avro serde with its registry client.
 *
 * <h2>Framing</h2>
 * Every value on a chargeonce topic, and every outbox payload, is in the Confluent wire format:
 * <pre>
 *   byte 0      magic byte 0x00
 *   bytes 1-4   writer schema id, big-endian int, as assigned by the schema registry
 *   bytes 5-    Avro binary encoding of the record (no container, no per-record schema)
 * </pre>
 * The id lets a reader fetch the exact schema the record was written with and resolve it against its
 * own, so producers and consumers upgrade independently as long as each change is compatible in both
 * directions (enforced by the compatibility tests against {@code src/test/resources/compat-baseline}).
 *
 * <h2>Why our own serde and registry client</h2>
 * Confluent's {@code kafka-avro-serializer} and Schema Registry are not on Maven Central, so a build
 * that only reaches Central cannot use them. The format and the REST calls it needs are small: this
 * package speaks them directly ({@code POST /subjects/{s}/versions}, {@code GET /schemas/ids/{id}},
 * {@code PUT /config/{s}}) against any Confluent-compatible registry; in development that is Apicurio
 * Registry's {@code /apis/ccompat/v7}. The bytes are identical, so a real Confluent serializer or
 * registry can take over without rewriting a topic.
 */
package io.chargeonce.schemas;
