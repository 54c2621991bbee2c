package io.chargeonce.cli.faults;

import io.chargeonce.cli.cluster.ClusterNode;
import io.chargeonce.cli.cluster.ProcessCluster;
import io.chargeonce.cli.cluster.ServiceProcess;
import io.chargeonce.cli.demo.ApiClient;
import io.chargeonce.cli.demo.ApiClient.Answer;
import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.sandbox.ProviderFaults;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.EventHeaders;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * How each {@link Fault} is done to a running {@link ProcessCluster}. Process faults use real
 * signals on real processes (SIGKILL, SIGTERM, SIGSTOP/SIGCONT); provider faults use the
 * simulator's runtime settings; topic faults write real records. Every injector leaves the cluster
 * as it found it (components running, provider healthy) so the next row starts clean.
 */
final class Injections {

    /** The provider between rows: a little latency, no faults. */
    static ProviderFaults baseline(long seed) {
        return ProviderFaults.none().withLatency(5, 15).withSeed(seed);
    }

    private Injections() {
    }

    static void inject(Fault fault, FaultRun run) throws Exception {
        ProcessCluster cluster = run.cluster();
        switch (fault) {
            case KILL_RELAY -> crashAndRecover(run, cluster.relay());
            case KILL_PROCESSOR -> crashAndRecover(run, cluster.processors().get(0));
            case KILL_API -> crashAndRecover(run, cluster.api());
            case KILL_BROKER -> crashAndRecover(run, cluster.kafka());
            case KILL_POSTGRES -> crashAndRecover(run, cluster.postgres());
            case RESTART_RELAY -> restart(run, cluster.relay());
            case RESTART_PROCESSOR -> restart(run, cluster.processors().get(0));
            case RESTART_API -> restart(run, cluster.api());
            case RESTART_BROKER -> restart(run, cluster.kafka());
            case RESTART_POSTGRES -> restart(run, cluster.postgres());
            case KILL_ONE_OF_TWO_PROCESSORS -> killOneOfTwo(run);
            case ZOMBIE_PROCESSOR -> zombie(run);
            case REBALANCE -> rebalance(run);
            case PROVIDER_TIMEOUT -> providerFor(run, baseline(run.random().nextLong())
                    .withLatency(cluster.options().providerTimeout().toMillis() + 1000, 200), "provider slower than the processor's timeout");
            case PROVIDER_5XX -> providerFor(run, baseline(run.random().nextLong()).withServerErrorRate(0.5), "provider answers 5xx half the time");
            case PROVIDER_DECLINES -> providerForRow(run, baseline(run.random().nextLong()).withDeclineRate(0.33), "provider declines a third of the cards");
            case PROVIDER_DROPS -> providerForRow(run, baseline(run.random().nextLong()).withDropResponseRate(0.5), "provider drops half its answers after charging");
            case PROVIDER_SLOW -> providerForRow(run, baseline(run.random().nextLong()).withLatency(800, 400), "provider takes about a second per charge");
            case PROVIDER_OUTAGE_PAST_CAP -> outagePastCap(run);
            case DUPLICATE_EVENTS -> duplicateEvents(run);
            case DLT_REPLAY_TWICE -> deadLettersReplayedTwice(run);
            case CONCURRENT_SAME_KEY -> concurrentSameKey(run, false);
            case SAME_KEY_DIFFERENT_BODIES -> concurrentSameKey(run, true);
            case SAME_KEY_TWO_MERCHANTS -> sameKeyTwoMerchants(run);
            case RELAY_OFFSETS_LOST -> relayOffsetsLost(run);
        }
    }

    private static void crashAndRecover(FaultRun run, ClusterNode node) throws InterruptedException {
        run.atRandomMoment(0.2, 0.6);
        node.kill();
        run.injected("kill -9 " + node.name());
        run.pause(Duration.ofMillis(500), Duration.ofSeconds(3));
        node.start();
    }

    private static void restart(FaultRun run, ClusterNode node) throws InterruptedException {
        run.atRandomMoment(0.2, 0.6);
        node.terminate();
        run.injected("SIGTERM " + node.name());
        run.pause(Duration.ofMillis(200), Duration.ofSeconds(2));
        node.start();
    }

    private static List<ServiceProcess> atLeastTwoProcessors(ProcessCluster cluster) {
        while (cluster.processors().size() < 2) {
            cluster.addProcessor();
        }
        return cluster.processors();
    }

    private static void killOneOfTwo(FaultRun run) throws InterruptedException {
        ServiceProcess victim = atLeastTwoProcessors(run.cluster()).get(1);
        run.atRandomMoment(0.2, 0.5);
        victim.kill();
        run.injected("kill -9 " + victim.name() + " (stays down while the other takes over)");
        run.awaitLoadFinished();
        victim.start();
    }

    private static void zombie(FaultRun run) throws InterruptedException {
        ServiceProcess zombie = atLeastTwoProcessors(run.cluster()).get(1);
        run.atRandomMoment(0.2, 0.5);
        zombie.freeze();
        run.injected("SIGSTOP " + zombie.name() + " past its session timeout");
        Duration session = run.cluster().options().sessionTimeout();
        run.pause(session.plusSeconds(3), session.plusSeconds(6));
        zombie.thaw();
        run.injected("SIGCONT " + zombie.name() + " (a zombie: must be fenced, produce nothing visible)");
    }

    private static void rebalance(FaultRun run) throws InterruptedException {
        run.atRandomMoment(0.1, 0.4);
        ServiceProcess joined = run.cluster().addProcessor();
        run.injected(joined.name() + " joins mid-load");
        run.atRandomMoment(0.5, 0.8);
        joined.terminate();
        run.injected(joined.name() + " leaves mid-load");
    }

    /** A provider fault for a random stretch in the middle of the row. */
    private static void providerFor(FaultRun run, ProviderFaults faults, String what) throws InterruptedException {
        run.atRandomMoment(0.1, 0.4);
        run.cluster().provider().setFaults(faults);
        run.injected(what);
        run.pause(Duration.ofSeconds(2), Duration.ofSeconds(4));
        run.cluster().provider().setFaults(baseline(run.random().nextLong()));
    }

    /** A provider fault for the whole row. */
    private static void providerForRow(FaultRun run, ProviderFaults faults, String what) throws InterruptedException {
        run.cluster().provider().setFaults(faults);
        run.injected(what);
        run.awaitLoadFinished();
        run.cluster().provider().setFaults(baseline(run.random().nextLong()));
    }

    private static void outagePastCap(FaultRun run) throws InterruptedException {
        run.atRandomMoment(0.1, 0.3);
        run.cluster().provider().setFaults(baseline(run.random().nextLong()).withServerErrorRate(1.0));
        run.injected("provider down (every charge 5xx) for longer than the processor's retry cap");
        Duration cap = run.cluster().options().retryMaxBackoff()
                .plus(run.cluster().options().providerTimeout())
                .multipliedBy(run.cluster().options().maxAttempts());
        run.pause(cap.plusSeconds(2), cap.plusSeconds(4));
        run.cluster().provider().setFaults(baseline(run.random().nextLong()));
    }

    /** Payment requests and refund requests alike: both reach the processor at least once through the relay. */
    private static void duplicateEvents(FaultRun run) throws InterruptedException {
        run.atRandomMoment(0.4, 0.8);
        try (RawRecords raw = new RawRecords(run.cluster().bootstrapServers())) {
            int payments = republish(raw, run.cluster().topics().paymentRequests().name(), 15, run);
            int refunds = republish(raw, run.cluster().topics().refundRequests().name(), 5, run);
            run.injected(payments + " payment and " + refunds + " refund request events re-published byte for byte");
        }
    }

    /** Re-publishes up to {@code most} records of {@code topic} drawn at random, byte for byte with their headers. */
    private static int republish(RawRecords raw, String topic, int most, FaultRun run) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(raw.readCommitted(topic));
        Collections.shuffle(records, new java.util.Random(run.random().nextLong()));
        List<ConsumerRecord<byte[], byte[]>> copies = records.subList(0, Math.min(records.size(), most));
        for (ConsumerRecord<byte[], byte[]> record : copies) {
            raw.send(topic, record.key(), record.value(), record.headers());
        }
        return copies.size();
    }

    /**
     * Sends poison (bytes that are not Avro, and a framed record with an unknown schema id, on the
     * payment request topic; bytes that are not Avro on the refund request topic), waits for it on the
     * dead-letter topics, then replays every dead letter to its origin twice, as an operator replaying
     * a DLT by mistake would. Replays must be no-ops for the payments and the refunds.
     */
    private static void deadLettersReplayedTwice(FaultRun run) throws Exception {
        ProcessCluster cluster = run.cluster();
        String requests = cluster.topics().paymentRequests().name();
        Topic<DeadLetter> dltTopic = cluster.topics().deadLetter(FailureClass.UNDESERIALIZABLE);
        run.atRandomMoment(0.2, 0.6);
        try (RawRecords raw = new RawRecords(cluster.bootstrapServers());
             SchemaRegistryClient registry = new SchemaRegistryClient(cluster.registryUrl())) {
            String poisonKey = "poison-" + UUID.randomUUID();
            raw.send(requests, bytes(poisonKey), bytes("{\"not\":\"avro\"}"), eventHeaders());
            byte[] unknownSchema = ByteBuffer.allocate(9).put((byte) 0).putInt(999_999).putInt(42).array();
            raw.send(requests, bytes(poisonKey + "-framed"), unknownSchema, eventHeaders());
            raw.send(cluster.topics().refundRequests().name(), bytes(poisonKey + "-refund"), bytes("{\"not\":\"avro\"}"),
                    eventHeaders());
            run.injected("3 poison records: 2 on the payment request topic, 1 on the refund request topic");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<ConsumerRecord<byte[], byte[]>> dead = List.of();
            while (System.nanoTime() < deadline) {
                dead = raw.readCommitted(dltTopic.name());
                if (dead.stream().filter(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith(poisonKey)).count() >= 3) {
                    break;
                }
                Thread.sleep(100); // the injector's own poll of the dead-letter topic
            }
            AvroSerde<DeadLetter> serde = AvroSerde.forTopic(dltTopic, registry);
            for (int round = 1; round <= 2; round++) {
                int replayed = 0;
                for (ConsumerRecord<byte[], byte[]> record : dead) {
                    DeadLetter letter = serde.deserialize(record.value());
                    RecordHeaders headers = new RecordHeaders();
                    letter.getOriginalHeaders().forEach((name, value) -> headers.add(name, array(value)));
                    raw.send(letter.getOriginTopic(), letter.getOriginalKey() == null ? null : array(letter.getOriginalKey()),
                            letter.getOriginalValue() == null ? null : array(letter.getOriginalValue()), headers);
                    replayed++;
                }
                run.injected("replay " + round + ": " + replayed + " dead letters re-published to their origin");
            }
        }
    }

    private static void concurrentSameKey(FaultRun run, boolean differentBodies) throws InterruptedException {
        run.atRandomMoment(0.2, 0.6);
        ApiClient api = new ApiClient(run.cluster().apiUrl(), run.cluster().apiKey(0));
        String key = (differentBodies ? "bodies-" : "same-") + UUID.randomUUID();
        int threads = 16;
        List<Answer> answers = concurrently(threads, i -> api.createPayment(key, "order-" + key, "cus_" + key,
                differentBodies ? 1000 + i : 1000, "EUR"));
        run.injected(threads + " concurrent POSTs with one key" + (differentBodies ? " and " + threads + " different bodies" : ""));
        Set<String> payments = answers.stream().filter(a -> a.status() == 202).map(Answer::paymentId).collect(Collectors.toSet());
        if (payments.size() != 1) {
            run.violation("one Idempotency-Key made " + payments.size() + " payments: " + payments);
        }
        Set<Integer> allowed = differentBodies ? Set.of(202, 409, 422) : Set.of(202, 409);
        answers.stream().filter(a -> !allowed.contains(a.status())).forEach(a ->
                run.violation("concurrent POST with one key answered " + a.status() + ": " + a.body()));
        if (differentBodies && answers.stream().noneMatch(a -> a.status() == 422)) {
            run.violation("16 different bodies under one key, yet no request was refused with 422");
        }
    }

    private static void sameKeyTwoMerchants(FaultRun run) throws InterruptedException {
        run.atRandomMoment(0.2, 0.6);
        String key = "shared-" + UUID.randomUUID();
        ApiClient a = new ApiClient(run.cluster().apiUrl(), run.cluster().apiKey(0));
        ApiClient b = new ApiClient(run.cluster().apiUrl(), run.cluster().apiKey(1));
        List<Answer> answers = concurrently(8, i -> (i % 2 == 0 ? a : b).createPayment(key, "order-" + key, "cus_" + key, 2500, "EUR"));
        run.injected("two merchants POST the same Idempotency-Key concurrently");
        Map<Integer, Set<String>> byMerchant = new java.util.HashMap<>();
        for (int i = 0; i < answers.size(); i++) {
            Answer answer = answers.get(i);
            if (answer.status() == 202) {
                byMerchant.computeIfAbsent(i % 2, m -> new java.util.HashSet<>()).add(answer.paymentId());
            } else if (answer.status() != 409) {
                run.violation("same key across merchants answered " + answer.status() + ": " + answer.body());
            }
        }
        if (byMerchant.size() != 2 || byMerchant.values().stream().anyMatch(ids -> ids.size() != 1)
                || byMerchant.get(0).equals(byMerchant.get(1))) {
            run.violation("the same key under two merchants must make exactly one payment each, got " + byMerchant);
        }
    }

    private static void relayOffsetsLost(FaultRun run) throws Exception {
        run.atRandomMoment(0.3, 0.6);
        ServiceProcess relay = run.cluster().relay();
        relay.terminate();
        Files.deleteIfExists(run.cluster().relayOffsetFile());
        run.injected("relay stopped and its offset store wiped");
        run.pause(Duration.ofMillis(200), Duration.ofSeconds(1));
        relay.start();
    }

    /** Runs {@code calls} requests at the same moment (all threads released together). */
    private static List<Answer> concurrently(int calls, java.util.function.IntFunction<Answer> call) throws InterruptedException {
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        try (ExecutorService threads = Executors.newFixedThreadPool(calls)) {
            List<CompletableFuture<Answer>> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                int index = i;
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return retryWhileUnavailable(() -> call.apply(index));
                }, threads));
            }
            go.countDown();
            return futures.stream().map(CompletableFuture::join).toList();
        }
    }

    /** A 409 is an answer here (it is what is being tested); only refused connections are retried. */
    private static Answer retryWhileUnavailable(java.util.function.Supplier<Answer> call) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                last = e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw last;
    }

    private static RecordHeaders eventHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.EVENT_ID, bytes(UUID.randomUUID().toString()));
        return headers;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] array(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
