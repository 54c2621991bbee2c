package io.chargeonce.cli.deadletter;

import io.chargeonce.cli.Main;
import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.ReplayAudit;
import io.chargeonce.sandbox.Component;
import io.chargeonce.sandbox.KafkaSecurity;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.sandbox.SandboxConfig;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.EventHeaders;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topic;
import io.chargeonce.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code chargeonce dlt replay} with its own credentials on a broker that enforces them (SASL/PLAIN,
 * ACLs, nothing allowed without one). The {@code ops} principal holds exactly the ACLs README's
 * "Dead letters and replay" documents ({@link #REPLAY_ACLS}) and replays a dead letter through the
 * real command; the {@code services} principal, allowed the request topics but not the dead-letter
 * and audit topics, cannot, and is told which topic and permission it lacks. No service runs: the
 * dead letter is written as the processor writes one.
 */
class ReplayCredentialsTest {
    private static final KafkaSecurity SECURITY = KafkaSecurity.saslPlain("admin",
            Map.of("admin", "admin-secret", "ops", "ops-secret", "services", "services-secret",
                    "forgetful", "forgetful-secret"));
    private static final Duration READ_DEADLINE = Duration.ofSeconds(30);

    private static Sandbox sandbox;
    private static SchemaRegistryClient registry;
    private static final String PREFIX = "acl-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Topics topics = Topics.withPrefix(PREFIX);
    @TempDir
    static Path configs;

    @BeforeAll
    static void start() throws Exception {
        // its own broker (secured) and registry: nothing else of a sandbox is needed here
        sandbox = Sandbox.start(SandboxConfig.freePorts().withComponents(Component.KAFKA, Component.REGISTRY)
                .withKafkaSecurity(SECURITY));
        registry = new SchemaRegistryClient(sandbox.registry().url());
        try (Admin admin = Admin.create(client("admin"))) {
            admin.createTopics(topics.all().stream().map(t -> new NewTopic(t.name(), 1, (short) 1)).toList()).all().get();
            List<AclBinding> acls = new ArrayList<>(replayAcls("ops"));
            // an operator whose grant forgot one line: Write on the audit topic
            replayAcls("forgetful").stream().filter(acl -> !(acl.pattern().name().equals(topics.replayAudit().name())
                    && acl.entry().operation() == AclOperation.WRITE)).forEach(acls::add);
            // the services may move requests, as relay and processor do, and nothing of dead letters or audit
            for (Topic<?> request : List.of(topics.paymentRequests(), topics.refundRequests())) {
                acls.add(allow("services", request, AclOperation.WRITE));
                acls.add(allow("services", request, AclOperation.READ));
            }
            admin.createAcls(acls).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /**
     * The replay principal's ACLs, as README documents them: Read on the dead-letter topics (the
     * parking topic included: {@code dlt list} and {@code show} read it; replay alone would not need
     * it) and the audit topic, Write on the request topics (where a replay goes back to), parking and
     * audit. Nothing on the cluster (the idempotent producer needs no IdempotentWrite since Kafka 3.0,
     * Write on a topic suffices), no consumer group (the reader assigns partitions).
     */
    private static List<AclBinding> replayAcls(String principal) {
        List<AclBinding> acls = new ArrayList<>();
        topics.deadLetters().values().forEach(dlt -> acls.add(allow(principal, dlt, AclOperation.READ)));
        acls.add(allow(principal, topics.deadLetterParking(), AclOperation.READ));
        acls.add(allow(principal, topics.replayAudit(), AclOperation.READ));
        for (Topic<?> written : List.of(topics.paymentRequests(), topics.refundRequests(), topics.deadLetterParking(),
                topics.replayAudit())) {
            acls.add(allow(principal, written, AclOperation.WRITE));
        }
        return acls;
    }

    @Test
    void opsReplaysWithItsOwnCredentialsAndTheAuditNamesOps() throws Exception {
        String paymentId = "acl-ops-" + UUID.randomUUID();
        String letterId = deadLetter(paymentId, 0);

        Run run = replay("ops", paymentId);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("replayed " + letterId);
        // read as admin: the original request once, its replay once, with the replay count set
        List<ConsumerRecord<byte[], byte[]>> requests = records(topics.paymentRequests().name(), paymentId);
        assertThat(requests).hasSize(2);
        assertThat(header(requests.getFirst(), EventHeaders.REPLAY_COUNT)).isNull();
        ConsumerRecord<byte[], byte[]> replayed = requests.getLast();
        assertThat(header(replayed, EventHeaders.REPLAY_COUNT)).isEqualTo("1");
        assertThat(header(replayed, EventHeaders.EVENT_ID)).isEqualTo("evt-" + paymentId);
        assertThat(replayed.value()).isEqualTo(requests.getFirst().value());
        assertThat(audits(paymentId)).singleElement().satisfies(audit -> {
            assertThat(audit.getPrincipal()).isEqualTo("ops");
            assertThat(audit.getDryRun()).isFalse();
            assertThat(audit.getReplayed()).containsExactly(letterId);
        });
    }

    @Test
    void opsParksAndListsWithTheSameCredentials() throws Exception {
        String paymentId = "acl-park-" + UUID.randomUUID();
        String letterId = deadLetter(paymentId, 1);

        Run replay = replay("ops", paymentId, "--max-replays", "1");
        Run list = dlt("ops", "list");

        assertThat(replay.exit()).as(replay.toString()).isZero();
        assertThat(replay.out()).contains("parked " + letterId);
        assertThat(records(topics.deadLetterParking().name(), paymentId)).singleElement()
                .satisfies(parked -> assertThat(header(parked, "chargeonce.parked.from")).isEqualTo(letterId));
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).contains(topics.deadLetterParking().name() + ": ");
    }

    @Test
    void theServicesCredentialsCannotReplayAndLeaveNoTrace() throws Exception {
        // the first thing a replay reads is the audit (what earlier runs did): that is what it is refused
        assertRefusedWithoutTrace("services", "Read", topics.replayAudit());
    }

    @Test
    void aLoginThatMayNotWriteTheAuditReplaysNothingRatherThanReplayUnaudited() throws Exception {
        // the audit is written last: had the request been re-published before the refusal, nobody could account for it
        assertRefusedWithoutTrace("forgetful", "Write", topics.replayAudit());
    }

    /** A replay as {@code principal} fails naming the permission and topic, re-publishes nothing and audits nothing. */
    private static void assertRefusedWithoutTrace(String principal, String operation, Topic<?> topic) throws Exception {
        String paymentId = "acl-" + principal + "-" + UUID.randomUUID();
        deadLetter(paymentId, 0);

        Run run = replay(principal, paymentId);

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("refused " + operation + " on topic(s) [" + topic.name() + "]");
        assertThat(records(topics.paymentRequests().name(), paymentId)).singleElement()
                .satisfies(original -> assertThat(header(original, EventHeaders.REPLAY_COUNT)).isNull());
        assertThat(audits(paymentId)).isEmpty();
    }

    /**
     * An invalid request (amount 0) on the request topic and its dead letter, as the processor writes
     * it, after {@code replayedBefore} replays; returns the dead letter's id.
     */
    private static String deadLetter(String paymentId, int replayedBefore) throws Exception {
        String eventId = "evt-" + paymentId;
        byte[] key = paymentId.getBytes(StandardCharsets.UTF_8);
        PaymentRequested request = PaymentRequested.newBuilder().setEventId(eventId).setPaymentId(paymentId)
                .setMerchantId("merchant-acl").setOrderId("order-" + paymentId).setCustomerId("cus_acl")
                .setAmountMinor(0).setCurrency("EUR").setRequestedAt(Instant.now()).build();
        byte[] value = AvroSerde.forTopic(topics.paymentRequests(), registry).serialize(request);
        Map<String, ByteBuffer> original = new HashMap<>();
        original.put(EventHeaders.EVENT_ID, utf8(eventId));
        if (replayedBefore > 0) {
            original.put(EventHeaders.REPLAY_COUNT, utf8(String.valueOf(replayedBefore)));
        }
        Headers headers = new RecordHeaders();
        original.forEach((name, bytes) -> headers.add(name, DeadLetterRecord.bytes(bytes)));
        Topic<DeadLetter> dlt = topics.deadLetter(FailureClass.INVALID_REQUEST);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client("admin"), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            RecordMetadata origin = producer.send(new ProducerRecord<>(topics.paymentRequests().name(), null, key, value,
                    headers)).get();
            DeadLetter letter = DeadLetter.newBuilder()
                    .setFailureClass(FailureClass.INVALID_REQUEST)
                    .setErrorClass(IllegalArgumentException.class.getName())
                    .setErrorMessage("amountMinor must be positive")
                    .setFingerprint("acl-test-invalid")
                    .setOriginTopic(origin.topic()).setOriginPartition(origin.partition()).setOriginOffset(origin.offset())
                    .setOriginTimestamp(Instant.ofEpochMilli(origin.timestamp()))
                    .setPaymentId(paymentId).setEventId(eventId)
                    .setOriginalKey(ByteBuffer.wrap(key)).setOriginalValue(ByteBuffer.wrap(value))
                    .setOriginalHeaders(original)
                    .setDeadLetteredAt(Instant.now())
                    .build();
            RecordMetadata written = producer.send(new ProducerRecord<>(dlt.name(), null, key,
                    AvroSerde.forTopic(dlt, registry).serialize(letter), headers)).get();
            return written.topic() + "-" + written.partition() + "@" + written.offset();
        }
    }

    /** {@code chargeonce dlt replay} of one payment's invalid-request dead letters as {@code principal}. */
    private static Run replay(String principal, String paymentId, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("replay", "--class", "invalid-request", "--payment-id", paymentId,
                "--rate", "0", "--reason", "fixed the validation rule (test)"));
        args.addAll(List.of(more));
        return dlt(principal, args.toArray(String[]::new));
    }

    /** {@code chargeonce dlt <verb...>} as {@code principal}: its SASL login in the client config, its name as principal. */
    private static Run dlt(String principal, String... verb) throws IOException {
        Path clientConfig = configs.resolve(principal + ".properties");
        try (Writer out = Files.newBufferedWriter(clientConfig)) {
            sandbox.kafka().clientProperties(principal).store(out, principal + " login for the dlt tool");
        }
        List<String> args = new ArrayList<>(List.of("dlt"));
        args.addAll(List.of(verb));
        args.addAll(List.of("--bootstrap-servers", sandbox.kafka().bootstrapServers(),
                "--registry-url", sandbox.registry().url(), "--topic-prefix", PREFIX,
                "--client-config", clientConfig.toString(), "--principal", principal));
        return Run.of(args.toArray(String[]::new));
    }

    /** The replay audits naming {@code paymentId}, read as admin. */
    private static List<ReplayAudit> audits(String paymentId) {
        DltSettings admin = new DltSettings(sandbox.kafka().bootstrapServers(), sandbox.registry().url(), topics,
                sandbox.kafka().clientProperties("admin"), "admin");
        try (DeadLetterReader reader = new DeadLetterReader(admin, registry)) {
            return reader.audits(topics.replayAudit()).stream().filter(a -> a.getPaymentIds().contains(paymentId)
                    || a.getSelection().contains(paymentId)).toList();
        }
    }

    /** Every record of {@code topic} under key {@code paymentId}, in offset order, read as admin to the end. */
    private static List<ConsumerRecord<byte[], byte[]>> records(String topic, String paymentId) {
        Properties props = client("admin");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), READ_DEADLINE).get(partition);
            while (consumer.position(partition, READ_DEADLINE) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (paymentId.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static AclBinding allow(String principal, Topic<?> topic, AclOperation operation) {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic.name(), PatternType.LITERAL),
                new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW));
    }

    private static Properties client(String user) {
        Properties props = sandbox.kafka().clientProperties(user);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    /** What the command printed on each stream, and its exit code; both streams are echoed to the console too. */
    private record Run(int exit, String out, String err) {
        static Run of(String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream originalOut = System.out;
            PrintStream originalErr = System.err;
            int exit;
            try (PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream capturedErr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                System.setOut(capturedOut);
                System.setErr(capturedErr);
                exit = new CommandLine(new Main()).execute(args);
            } finally {
                System.setOut(originalOut);
                System.setErr(originalErr);
            }
            Run run = new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            originalOut.println(run);
            return run;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
