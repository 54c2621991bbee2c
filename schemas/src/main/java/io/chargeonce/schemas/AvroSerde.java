package io.chargeonce.schemas;

import org.apache.avro.Schema;
import org.apache.avro.UnresolvedUnionException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serializer, deserializer and serde of one topic's values, in the Confluent wire format (see
 * {@link WireFormat}), so the bytes are the same a Confluent {@code KafkaAvroSerializer} would write.
 *
 * <p>Writing registers the generated class's schema under the topic's value subject once, then frames
 * every record with that id. Reading looks up the writer's schema by the id in the record and resolves
 * it against the generated class's schema, so a consumer on v1 reads v2 data and the other way round,
 * as far as Avro's resolution rules allow. The subject is the one of the topic this serde was made
 * for, whatever topic name Kafka passes in: a Streams changelog or a DLT copy of a record keeps the
 * subject and id it was written with.
 *
 * <p>Null is a tombstone in both directions. Everything else that cannot be done fails with Kafka's
 * {@link SerializationException} saying what is wrong; when the registry was at fault the cause is a
 * {@link SchemaRegistryException} ({@link SchemaRegistryException#isTransient(Throwable)} tells a
 * temporarily unreachable registry from a poison record). Thread-safe.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private static final Logger log = LoggerFactory.getLogger(AvroSerde.class);

    private final Topic<T> topic;
    private final SchemaRegistryClient registry;
    private final Schema schema;
    private final SpecificData model;
    private final DatumWriter<T> writer;
    private final Map<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private volatile Integer schemaId;

    private AvroSerde(Topic<T> topic, SchemaRegistryClient registry) {
        this.topic = topic;
        this.registry = registry;
        this.model = new GeneratedClassModel(topic.valueType());
        this.schema = model.getSchema(topic.valueType());
        this.writer = new SpecificDatumWriter<>(schema, model);
    }

    public static <T extends SpecificRecord> AvroSerde<T> forTopic(Topic<T> topic, SchemaRegistryClient registry) {
        if (topic == null || registry == null) {
            throw new IllegalArgumentException("an AvroSerde needs a topic and a registry client");
        }
        return new AvroSerde<>(topic, registry);
    }

    public Topic<T> topic() {
        return topic;
    }

    /**
     * The registry id of this topic's value schema, registering it on first call. Services call it at
     * start-up to fail fast on an unreachable registry or an incompatible schema instead of on the first
     * record.
     *
     * @throws SchemaRegistryException if the registry refuses or cannot be reached
     */
    public int schemaId() {
        Integer id = schemaId;
        if (id == null) {
            id = registry.register(topic.valueSubject(), schema);
            schemaId = id;
        }
        return id;
    }

    /** Frames {@code value} for this serde's topic. */
    public byte[] serialize(T value) {
        return serialize(topic.name(), value);
    }

    /** Reads a record of this serde's topic. */
    public T deserialize(byte[] bytes) {
        return deserialize(topic.name(), bytes);
    }

    @Override
    public byte[] serialize(String topicName, T value) {
        if (value == null) {
            return null;
        }
        if (!topic.valueType().isInstance(value)) {
            throw new SerializationException("topic " + topicName + " carries " + topic.valueType().getName()
                    + " values, got a " + value.getClass().getName());
        }
        int id;
        try {
            id = schemaId();
        } catch (SchemaRegistryException e) {
            throw new SerializationException("cannot write " + schema.getName() + " to topic " + topicName
                    + " without its schema id: " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        WireFormat.writeHeader(out, id);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(value, encoder);
            encoder.flush();
        } catch (UnresolvedUnionException e) {
            // its message quotes the value, which may be payment data: name the type only
            throw new SerializationException("cannot write " + schema.getName() + " to topic " + topicName
                    + ": a union field holds a value of none of its types (" + e.getUnresolvedDatum().getClass().getName() + ")");
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + schema.getName() + " to topic " + topicName
                    + " with schema id " + id + ": " + e, e);
        }
        return out.toByteArray();
    }

    @Override
    public T deserialize(String topicName, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        int writerId = WireFormat.schemaId(bytes, topicName);
        DatumReader<T> reader = readerFor(writerId, topicName);
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(bytes, WireFormat.HEADER_LENGTH, bytes.length - WireFormat.HEADER_LENGTH, null);
        T value;
        boolean leftOver;
        try {
            value = reader.read(null, decoder);
            leftOver = !decoder.isEnd();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("record on topic " + topicName + " names schema id " + writerId
                    + " but its " + (bytes.length - WireFormat.HEADER_LENGTH) + "-byte body does not decode with"
                    + " that schema (" + e + "); the record is corrupt or was framed with the wrong id", e);
        }
        if (leftOver) {
            throw new SerializationException("record on topic " + topicName + " names schema id " + writerId
                    + " but bytes are left over after decoding its " + schema.getName()
                    + "; the record is corrupt or was framed with the wrong id");
        }
        return value;
    }

    private DatumReader<T> readerFor(int writerId, String topicName) {
        DatumReader<T> cached = readersByWriterId.get(writerId);
        if (cached != null) {
            return cached;
        }
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(writerId);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                throw new SerializationException("record on topic " + topicName + " names schema id " + writerId
                        + ", which the registry at " + registry.baseUrl() + " does not know;"
                        + " was it written against another registry, or is it not Confluent-framed Avro?", e);
            }
            throw new SerializationException("cannot read a record on topic " + topicName
                    + " without its writer schema id " + writerId + ": " + e.getMessage(), e);
        }
        List<String> problems = SchemaEvolution.readProblems(schema, writerSchema);
        if (!problems.isEmpty()) {
            throw new SerializationException("record on topic " + topicName + " was written with schema id "
                    + writerId + " (" + writerSchema.getFullName() + "), which " + schema.getFullName()
                    + " cannot read: " + String.join("; ", problems)
                    + "; the schema changed incompatibly, upgrade this reader or fix the writer");
        }
        DatumReader<T> reader = new SpecificDatumReader<>(writerSchema, schema, model);
        DatumReader<T> winner = readersByWriterId.putIfAbsent(writerId, reader);
        if (winner == null) {
            log.info("topic {}: reading writer schema id {} ({}) as {}", topicName, writerId,
                    writerSchema.getFullName(), topic.valueType().getName());
        }
        return winner != null ? winner : reader;
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    /** Nothing to configure: the topic and registry are bound at construction. */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
    }

    /** Leaves the registry client open: it is shared and owned by whoever made it. */
    @Override
    public void close() {
    }
}
