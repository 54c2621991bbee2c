package io.chargeonce.sandbox;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * Main class of a broker run as a child JVM ({@link KafkaMode#CHILD_PROCESS}): starts a KRaft node
 * from the {@code server.properties} it is given (storage formatted by the parent), stops it on
 * SIGTERM, and exits on its own when its owner is gone ({@link ChildJvm#exitWhenOwnerDies}).
 *
 * <p>Usage: {@code java -cp <classpath> io.chargeonce.sandbox.KafkaNodeMain <server.properties>}.
 */
public final class KafkaNodeMain {

    private KafkaNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KafkaNodeMain <server.properties>");
            System.exit(2);
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            props.load(in);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM: a controlled shutdown, so logs are flushed and the next start needs no recovery
            server.shutdown();
            server.awaitShutdown();
        }, "kafka-node-shutdown"));
        try {
            server.startup();
        } catch (Throwable e) {
            // e.g. a port taken meanwhile: say why and exit, instead of idling with half-started threads
            e.printStackTrace();
            Runtime.getRuntime().halt(1);
        }
        ChildJvm.exitWhenOwnerDies("kafka broker");
        System.out.println("kafka node started");
        server.awaitShutdown();
    }
}
