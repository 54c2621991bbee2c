package io.chargeonce.cli.service;

import io.chargeonce.processor.PaymentProcessor;
import io.chargeonce.processor.ProcessorConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The payment processor from {@code CHARGEONCE_PROCESSOR_*}. Ready once Kafka Streams is RUNNING
 * (it joined the group and got its tasks, none or some). If Streams ends up in ERROR or stops by
 * itself, the service reports it as fatal so the process exits and its supervisor restarts it: an
 * instance that is alive but processes nothing would hide its payments. With
 * {@value ManagementServer#PORT_ENV} set it serves metrics (Streams lag among them) and health
 * there, and its READY line ends with {@code management <port>}.
 */
final class ProcessorService implements RunningService {

    private final PaymentProcessor processor;
    private final ProcessorConfig config;
    private final Optional<ManagementServer> management;

    private ProcessorService(PaymentProcessor processor, ProcessorConfig config, Optional<ManagementServer> management) {
        this.processor = processor;
        this.config = config;
        this.management = management;
    }

    static ProcessorService start(Map<String, String> env, Duration readyTimeout) throws InterruptedException {
        ProcessorConfig config = ProcessorConfig.fromEnvironment(env);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PaymentProcessor processor = PaymentProcessor.create(config, meters);
        Optional<ManagementServer> management;
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
            management = ManagementServer.fromEnvironment(env, meters,
                    Map.of("kafkaStreams", ServiceHealth.processor(processor)));
        } catch (RuntimeException | InterruptedException e) {
            processor.close();
            throw e;
        }
        return new ProcessorService(processor, config, management);
    }

    @Override
    public String readyDetail() {
        return config.applicationId() + management.map(m -> " management " + m.port()).orElse("");
    }

    @Override
    public String fatalProblem() {
        KafkaStreams.State state = processor.state();
        return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                ? "Kafka Streams is " + state + " and will not process again" : null;
    }

    @Override
    public void close() {
        management.ifPresent(ManagementServer::close);
        processor.close();
    }
}
