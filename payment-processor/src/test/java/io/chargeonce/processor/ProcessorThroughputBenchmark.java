package io.chargeonce.processor;

import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.processor.support.SampleRequests;
import io.chargeonce.processor.support.TopologyHarness;
import io.chargeonce.sandbox.ProviderFaults;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throughput and latency of the payment processor alone, on the sandbox's broker, registry and
 * provider simulator (20-40 ms latency, like the storm's), for a few settings of threads, commit
 * interval and outcome punctuation:
 * <ul>
 *   <li>backlog: {@value #BACKLOG} requests already on the topic when the processor starts, i.e.
 *       what a relay catching up hands it: payments/s to the last terminal status, and CPU ms of
 *       the stream threads per payment;</li>
 *   <li>paced: {@value #PACED} requests at {@value #PACED_RATE}/s: request-sent to terminal-status-
 *       visible (read_committed) latency p50/p99.</li>
 * </ul>
 * {@code -Dbench.hogs=N} runs N CPU-spinning threads meanwhile, as a storm's API threads compete
 * with the processor when the whole stack shares two cores (above ~6 the in-JVM broker misses its
 * heartbeats and is fenced); {@code -Dbench.rounds=N} repeats the settings, every other round in
 * reverse, because the JIT warms up as the run goes on and favours whatever runs later.
 *
 * <p>Prints the numbers; asserts only that every payment got its terminal status, never a timing
 * (this machine is shared). Excluded from the default run; run with
 * {@code ./mvnw -o -pl payment-processor test -Dtest=ProcessorThroughputBenchmark -Dprocessor.excludedGroups=none -Dbench.hogs=4 -Dbench.rounds=2}.
 */
@Tag("benchmark")
class ProcessorThroughputBenchmark {

    private static final int BACKLOG = 3000;
    private static final int PACED = 1500;
    private static final int PACED_RATE = 150;
    private static final int PARTITIONS = 3;

    @TempDir
    Path stateDir;
    private final Sandbox sandbox = Sandbox.shared();

    private record Variant(String name, UnaryOperator<ProcessorConfig.Builder> settings) {
    }

    @Test
    void measures_processor_throughput_and_latency() throws Exception {
        sandbox.provider().setFaults(ProviderFaults.none().withLatency(20, 20));
        // -Dbench.hogs=N: N threads spinning on the CPU meanwhile, like a storm's API threads on a
        // machine the whole stack shares; the processor then runs on whatever CPU share it gets.
        List<Thread> hogs = new ArrayList<>();
        int hogCount = Integer.getInteger("bench.hogs", 0);
        java.util.concurrent.atomic.AtomicBoolean hogging = new java.util.concurrent.atomic.AtomicBoolean(true);
        for (int i = 0; i < hogCount; i++) {
            Thread hog = Thread.ofPlatform().daemon().name("cpu-hog-" + i).start(() -> {
                long x = 0;
                while (hogging.get()) {
                    x += Long.rotateLeft(x ^ System.nanoTime(), 7);
                }
                if (x == 42) {
                    System.out.print("");
                }
            });
            hogs.add(hog);
        }
        List<Variant> candidates = List.of(
                new Variant("1 thread, commit 100, tick 20", b -> b.numStreamThreads(1).commitInterval(Duration.ofMillis(100)).outcomePollInterval(Duration.ofMillis(20))),
                new Variant("1 thread, commit 250, tick 20", b -> b.numStreamThreads(1).commitInterval(Duration.ofMillis(250)).outcomePollInterval(Duration.ofMillis(20))),
                new Variant("1 thread, commit 250, tick 100", b -> b.numStreamThreads(1).commitInterval(Duration.ofMillis(250)).outcomePollInterval(Duration.ofMillis(100))),
                new Variant("3 threads, commit 100, tick 20", b -> b.numStreamThreads(3).commitInterval(Duration.ofMillis(100)).outcomePollInterval(Duration.ofMillis(20))),
                new Variant("3 threads, commit 250, tick 20", b -> b.numStreamThreads(3).commitInterval(Duration.ofMillis(250)).outcomePollInterval(Duration.ofMillis(20))));
        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("warm-up (cold JVM)", b -> b));
        for (int round = 0; round < Integer.getInteger("bench.rounds", 1); round++) {
            variants.addAll(round % 2 == 0 ? candidates : candidates.reversed());
        }
        List<String> lines = new ArrayList<>();
        for (Variant variant : variants) {
            lines.add(run(variant));
            System.out.println("BENCH " + lines.getLast());
        }
        hogging.set(false);
        for (Thread hog : hogs) {
            hog.join();
        }
        sandbox.provider().reset();
        System.out.println("\nprocessor benchmark (" + hogCount + " CPU hogs, " + BACKLOG + " backlog, " + PACED + " paced at " + PACED_RATE + "/s, "
                + PARTITIONS + " partitions)");
        lines.forEach(System.out::println);
    }

    private String run(Variant variant) throws Exception {
        String run = variant.name().replaceAll("[^A-Za-z0-9]+", "-") + "-" + UUID.randomUUID().toString().substring(0, 6);
        Topics topics = Topics.withPrefix("bench-" + run);
        createTopics(topics);
        ProcessorConfig config = variant.settings().apply(ProcessorConfig
                .builder(sandbox.kafka().bootstrapServers(), sandbox.registry().url(), sandbox.provider().url())
                .applicationId("bench-" + run)
                .topics(topics)
                .topicPartitions(PARTITIONS)
                .stateDir(stateDir.resolve(run))).build();
        try (SchemaRegistryClient registry = new SchemaRegistryClient(sandbox.registry().url());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers(),
                     ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer());
             StatusWatch watch = new StatusWatch(sandbox.kafka().bootstrapServers(), topics, registry)) {
            EventSerdes serdes = EventSerdes.avro(topics, registry);
            serdes.registerAll();
            for (int i = 0; i < BACKLOG; i++) {
                send(producer, serdes, topics, "b-" + run + "-" + i);
            }
            producer.flush();

            PaymentProcessor processor = PaymentProcessor.create(config, new SimpleMeterRegistry());
            try {
                processor.start();
                long started = System.nanoTime();
                while (processor.state() != KafkaStreams.State.RUNNING) {
                    watch.poll();
                }
                long cpuBefore = streamThreadCpuNanos(config.applicationId());
                while (watch.terminal() < BACKLOG) {
                    watch.poll();
                }
                double backlogSeconds = (System.nanoTime() - started) / 1e9;
                double cpuMsPerPayment = (streamThreadCpuNanos(config.applicationId()) - cpuBefore) / 1e6 / BACKLOG;

                Map<String, Long> sentAt = new HashMap<>();
                long pacedStart = System.nanoTime();
                for (int i = 0; i < PACED; i++) {
                    long due = pacedStart + i * 1_000_000_000L / PACED_RATE;
                    while (System.nanoTime() < due) {
                        watch.poll(Duration.ofMillis(Math.max(1, (due - System.nanoTime()) / 1_000_000)));
                    }
                    String paymentId = "p-" + run + "-" + i;
                    sentAt.put(paymentId, System.nanoTime());
                    send(producer, serdes, topics, paymentId);
                }
                while (watch.terminal() < BACKLOG + PACED) {
                    watch.poll();
                }
                long[] latencies = sentAt.entrySet().stream()
                        .mapToLong(e -> (watch.terminalAt(e.getKey()) - e.getValue()) / 1_000_000).sorted().toArray();
                assertThat(latencies).hasSize(PACED);
                return String.format("  %-28s backlog %6.0f payments/s, %5.2f ms stream-thread CPU per payment | paced p50 %5d ms, p99 %5d ms, max %5d ms",
                        variant.name(), BACKLOG / backlogSeconds, cpuMsPerPayment, percentile(latencies, 50),
                        percentile(latencies, 99), latencies[latencies.length - 1]);
            } finally {
                processor.close();
            }
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, EventSerdes serdes, Topics topics, String paymentId) {
        PaymentRequested request = SampleRequests.request(paymentId);
        producer.send(new ProducerRecord<>(topics.paymentRequests().name(), null,
                paymentId.getBytes(StandardCharsets.UTF_8), serdes.requests().serialize(request),
                TopologyHarness.headers(request.getEventId())));
    }

    private void createTopics(Topics topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers()))) {
            admin.createTopics(topics.all().stream().map(t -> new NewTopic(t.name(), PARTITIONS, (short) 1)).toList())
                    .all().get();
        }
    }

    private static long streamThreadCpuNanos(String applicationId) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .filter(info -> info != null && info.getThreadName().startsWith(applicationId)
                        && info.getThreadName().matches(".*StreamThread-\\d+$"))
                .mapToLong(info -> Math.max(0, threads.getThreadCpuTime(info.getThreadId())))
                .sum();
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** When each payment's terminal status became visible to a read_committed reader. */
    private static final class StatusWatch implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final EventSerdes serdes;
        private final Map<String, Long> terminalAt = new HashMap<>();

        StatusWatch(String bootstrapServers, Topics topics, SchemaRegistryClient registry) {
            this.serdes = EventSerdes.avro(topics, registry);
            this.consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topics.paymentStatus().name(), p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        void poll() {
            poll(Duration.ofMillis(50));
        }

        void poll(Duration timeout) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
                PaymentStatusChanged status = serdes.status().deserialize(record.topic(), record.value());
                if (status.getStatus() != PaymentStatus.PENDING) {
                    terminalAt.putIfAbsent(status.getPaymentId(), System.nanoTime());
                }
            }
        }

        int terminal() {
            return terminalAt.size();
        }

        long terminalAt(String paymentId) {
            return terminalAt.get(paymentId);
        }

        @Override
        public void close() {
            consumer.close(Duration.ZERO);
        }
    }
}
