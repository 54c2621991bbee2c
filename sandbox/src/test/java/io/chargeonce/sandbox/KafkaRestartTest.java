package io.chargeonce.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A broker in a child JVM, as fault tests need it: SIGKILLed and started again on the same log dir and port. */
class KafkaRestartTest {

    private static Sandbox sandbox;
    private static KafkaNode kafka;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxConfig.freePorts().withComponents(Component.KAFKA)
                .withKafkaMode(KafkaMode.CHILD_PROCESS));
        kafka = sandbox.kafka();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void aCommittedTransactionSurvivesKillMinus9AndIsReadOnce() throws Exception {
        String topic = "restart-tx-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "open-at-crash"));
            producer.flush();
            long before = kafka.pid();
            int port = kafka.port();

            kafka.kill();

            assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(kafka.isRunning()).isFalse();
            kafka.start();
            assertThat(kafka.port()).isEqualTo(port);
            assertThat(kafka.pid()).isNotEqualTo(before);
        }

        // committed: "committed"; never committed (its producer is gone, the coordinator aborts it once
        // the transaction times out): "open-at-crash", written before the crash so read_uncommitted sees it
        assertThat(read(topic, "read_committed", 1)).containsExactly("committed");
        assertThat(read(topic, "read_uncommitted", 2)).containsExactly("committed", "open-at-crash");
    }

    @Test
    void aRestartedBrokerIsTheOneTheReaperWouldStop() throws Exception {
        kafka.stop();
        kafka.start();

        ChildProcess recorded = ChildProcess.fromProperties(InstanceDir.read(
                InstanceDir.root().resolve(sandbox.id()).resolve(Component.KAFKA.label() + InstanceDir.CHILD_SUFFIX)));
        assertThat(recorded.findLive()).map(ProcessHandle::pid).hasValue(kafka.pid());
        assertThat(ChildProcess.commandLine(kafka.process())).contains(sandbox.processMarker());
    }

    @Test
    void anInProcessBrokerStopsAndStartsAgainWithItsDataButRefusesToBeKilled() throws Exception {
        try (Sandbox own = Sandbox.start(SandboxConfig.freePorts().withComponents(Component.KAFKA))) {
            KafkaNode inProcess = own.kafka();
            String topic = "restart-in-process-" + UUID.randomUUID();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, inProcess.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                producer.send(new ProducerRecord<>(topic, "k", "before-stop")).get();
            }

            assertThat(inProcess.mode()).isEqualTo(KafkaMode.IN_PROCESS);
            assertThat(inProcess.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThatThrownBy(inProcess::kill).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("CHILD_PROCESS");
            inProcess.stop();
            assertThat(inProcess.isRunning()).isFalse();
            inProcess.start();

            assertThat(read(inProcess, topic, "read_uncommitted", 1)).containsExactly("before-stop");
        }
    }

    private static KafkaProducer<String, String> transactionalProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "restart-test-" + UUID.randomUUID(),
                // the open transaction is aborted by the coordinator this soon after the restart
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 3_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    private static List<String> read(String topic, String isolation, int expected) {
        return read(kafka, topic, isolation, expected);
    }

    private static List<String> read(KafkaNode broker, String topic, String isolation, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "restart-test-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= expected;
            });
            // one more poll: a duplicate or a leaked aborted record would show up here
            consumer.poll(Duration.ofMillis(500)).forEach(record -> values.add(record.value()));
        }
        return values;
    }
}
