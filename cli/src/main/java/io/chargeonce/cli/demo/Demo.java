package io.chargeonce.cli.demo;

import io.chargeonce.cli.Stack;
import io.chargeonce.cli.story.StoryPick;
import io.chargeonce.cli.verify.Backlog;
import io.chargeonce.cli.verify.Drain;
import io.chargeonce.cli.verify.History;
import io.chargeonce.cli.verify.HistoryReader;
import io.chargeonce.cli.verify.HistorySources;
import io.chargeonce.cli.verify.HistoryVerifier;
import io.chargeonce.cli.verify.TopicReader;
import io.chargeonce.cli.verify.TopicReader.Isolation;
import io.chargeonce.cli.verify.Verdict;
import io.chargeonce.processor.ProcessorMetrics;
import io.chargeonce.sandbox.ProviderFaults;
import io.chargeonce.schemas.EventHeaders;
import io.chargeonce.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo: a hostile day for payments, played against a running {@link Stack}. A provider that is
 * slow, declines some cards, fails some requests and drops some responses after charging; apps that
 * retry, triple-tap and reuse keys; merchants refunding some of the confirmed payments (again
 * with lost responses, and asking what they may not); a relay that redelivers events; a poison
 * record. Then the report, read from the real systems.
 */
public final class Demo {

    /** What the demo plays. */
    public record Settings(int payments, int clients, long seed, int relayDuplicates, Duration journeyDeadline) {
    }

    /** How long PENDING payments may take to settle after the last client stopped. */
    private static final Duration DRAIN_DEADLINE = Duration.ofSeconds(30);

    /** Share of the confirmed payments refunded: few enough that the demo takes about as long as without. */
    private static final double REFUND_SHARE = 0.10;

    private final Stack stack;
    private final Settings settings;
    private final PrintStream out;
    private Optional<String> storyPayment = Optional.empty();

    public Demo(Stack stack, Settings settings, PrintStream out) {
        this.stack = stack;
        this.settings = settings;
        this.out = out;
    }

    public DemoReport run() {
        long started = System.nanoTime();
        stack.sandbox().provider().setFaults(new ProviderFaults(30, 60, 0.04, 0.05, 0.10, settings.seed()));
        out.printf("provider simulator: 30-90 ms latency, 4%% declines, 5%% 5xx, 10%% responses dropped after charging%n");
        out.printf("playing %d customers on %d concurrent apps (seed %d) ...%n",
                settings.payments(), settings.clients(), settings.seed());

        ClientSimulation simulation = new ClientSimulation(new ApiClient(stack.apiUrl(), stack.apiKey()),
                new ClientSimulation.Plan(settings.payments(), settings.clients(), settings.seed(), settings.journeyDeadline()));
        List<Journey> journeys;
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try {
            ticker.scheduleAtFixedRate(() -> out.printf("  ... %d POSTs sent, %d of %d journeys finished%n",
                    simulation.posted(), simulation.finished(), settings.payments()), 2, 2, TimeUnit.SECONDS);
            journeys = simulation.run();
        } finally {
            ticker.shutdownNow();
        }
        out.printf("all journeys finished after %.1f s%n", (System.nanoTime() - started) / 1e9);
        RefundSimulation.Outcome refunds = refund(journeys);
        out.printf("%d refunds accepted, %d of them decided after %.1f s%n", refunds.statusByRefund().size(),
                refunds.statusByRefund().size() - refunds.undecided().size(), (System.nanoTime() - started) / 1e9);
        if (!refunds.undecided().isEmpty()) {
            out.printf("warning: %d refunds still PENDING %d s after the last was asked for; the report counts them%n",
                    refunds.undecided().size(), DRAIN_DEADLINE.toSeconds());
        }

        int injected = injectRelayRedeliveryAndPoison();
        out.printf("re-published %d payment and refund request events as a crashed relay would, plus 1 poison record; waiting for the processor ...%n",
                injected);
        awaitProcessorSaw(injected);

        Verdict verdict = verify();
        RefundReport refundReport = new RefundReport(refunds, verdict.statistics().refunds());
        return new DemoReport(journeys, refundReport, verdict, stack.sandbox().provider().stats(),
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** Merchants refund about a tenth of the confirmed payments, on as many threads as there are apps. */
    private RefundSimulation.Outcome refund(List<Journey> journeys) {
        out.printf("merchants refund about %.0f%% of the confirmed payments (full, partial, twice, lost responses, "
                + "one too much, one of a declined payment) ...%n", REFUND_SHARE * 100);
        RefundSimulation refunds = new RefundSimulation(new ApiClient(stack.apiUrl(), stack.apiKey()),
                new RefundSimulation.Plan(REFUND_SHARE, settings.clients(), settings.seed(), DRAIN_DEADLINE));
        return refunds.run(journeys);
    }

    /** The payment whose story is worth telling at the end (see {@link StoryPick}); empty before {@link #run}. */
    public Optional<String> storyPayment() {
        return storyPayment;
    }

    /**
     * Re-sends some payment and refund request events byte for byte (same event id) and one
     * undecodable record. A fifth as many refund events as payment events: there are about a tenth
     * as many refunds.
     */
    private int injectRelayRedeliveryAndPoison() {
        Topics topics = stack.topics();
        TopicReader reader = new TopicReader(stack.sandbox().kafka().bootstrapServers());
        Random random = new Random(settings.seed());
        List<ConsumerRecord<byte[], byte[]>> again = new ArrayList<>(
                pick(reader, topics.paymentRequests().name(), settings.relayDuplicates(), random));
        again.addAll(pick(reader, topics.refundRequests().name(), Math.max(1, settings.relayDuplicates() / 5), random));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.sandbox().kafka().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ConsumerRecord<byte[], byte[]> record : again) {
                producer.send(new ProducerRecord<>(record.topic(), null, record.key(), record.value(), record.headers()));
            }
            ProducerRecord<byte[], byte[]> poison = new ProducerRecord<>(topics.paymentRequests().name(),
                    ("poison-" + settings.seed()).getBytes(StandardCharsets.UTF_8),
                    "{\"this\":\"is not Avro\"}".getBytes(StandardCharsets.UTF_8));
            poison.headers().add(EventHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            producer.send(poison);
            producer.flush();
        }
        return again.size();
    }

    private static List<ConsumerRecord<byte[], byte[]>> pick(TopicReader reader, String topic, int count, Random random) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(reader.readAll(topic, Isolation.READ_COMMITTED));
        Collections.shuffle(records, random);
        return records.subList(0, Math.min(count, records.size()));
    }

    private void awaitProcessorSaw(int duplicates) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            double seen = counter(ProcessorMetrics.INBOX, "decision", "duplicate");
            double dead = stack.meters().find(ProcessorMetrics.DEAD_LETTERS).counters().stream().mapToDouble(Counter::count).sum();
            if (seen >= duplicates && dead >= 1) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        out.println("warning: the processor had not seen every injected record after 60 s; the report says what it found");
    }

    private double counter(String name, String tag, String value) {
        Counter counter = stack.meters().find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    /**
     * The history verifier over everything the run left behind. The clients stopped and nothing more
     * is injected, so once no payment is PENDING and every request record is processed the backlog has
     * drained: a payment still PENDING then is stuck.
     */
    private Verdict verify() {
        Clock clock = Clock.systemUTC();
        try (HistoryReader reader = new HistoryReader(HistorySources.of(stack), clock)) {
            Drain drain = reader.awaitDrained(clock.instant().plus(DRAIN_DEADLINE));
            if (!drain.drained()) {
                out.printf("warning: not drained %d s after the clients stopped (%s); the verifier judges what is left as stuck%n",
                        DRAIN_DEADLINE.toSeconds(), drain);
            }
            History history = reader.read();
            storyPayment = StoryPick.mostEventful(history);
            return new HistoryVerifier(Backlog.DRAINED).verify(history);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the backlog to drain", e);
        }
    }
}
