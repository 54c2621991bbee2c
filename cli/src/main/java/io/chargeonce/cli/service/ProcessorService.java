package io.chargeonce.cli.service;

import io.chargeonce.processor.PaymentProcessor;
import io.chargeonce.processor.ProcessorConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;
import java.util.Map;

/**
 * The payment processor from {@code CHARGEONCE_PROCESSOR_*}. Ready once Kafka Streams is RUNNING
 * (it joined the group and got its tasks, none or some). If Streams ends up in ERROR or stops by
 * itself, the service reports it as fatal so the process exits and its supervisor restarts it: an
 * instance that is alive but processes nothing would hide its payments.
 */
final class ProcessorService implements RunningService {

    private final PaymentProcessor processor;
    private final ProcessorConfig config;

    private ProcessorService(PaymentProcessor processor, ProcessorConfig config) {
        this.processor = processor;
        this.config = config;
    }

    static ProcessorService start(Map<String, String> env, Duration readyTimeout) throws InterruptedException {
        ProcessorConfig config = ProcessorConfig.fromEnvironment(env);
        PaymentProcessor processor = PaymentProcessor.create(config, new SimpleMeterRegistry());
        try {
            processor.start();
            long deadline = System.nanoTime() + readyTimeout.toNanos();
            while (processor.state() != KafkaStreams.State.RUNNING) {
                if (!processor.state().isRunningOrRebalancing() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("payment processor " + config.applicationId() + " is "
                            + processor.state() + ", not RUNNING, after " + readyTimeout);
                }
                Thread.sleep(50);
            }
        } catch (RuntimeException | InterruptedException e) {
            processor.close();
            throw e;
        }
        return new ProcessorService(processor, config);
    }

    @Override
    public String readyDetail() {
        return config.applicationId();
    }

    @Override
    public String fatalProblem() {
        KafkaStreams.State state = processor.state();
        return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                ? "Kafka Streams is " + state + " and will not process again" : null;
    }

    @Override
    public void close() {
        processor.close();
    }
}
