package io.chargeonce.cli.service;

import io.chargeonce.sandbox.ChildJvm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code chargeonce service api|relay|processor}: one service in this process, configured from the
 * environment ({@code CHARGEONCE_API_*}, {@code CHARGEONCE_RELAY_*}, {@code CHARGEONCE_PROCESSOR_*}),
 * running until SIGTERM, which closes it gracefully. This is how a deployment runs chargeonce, and
 * how the process cluster runs each service as a JVM of its own so faults can hit one at a time.
 *
 * <p>When ready it prints one line on stdout, {@code READY <service> <detail>} (api: its HTTP port;
 * relay: its slot; processor: its application id; relay and processor add {@code management <port>}
 * when {@code CHARGEONCE_MANAGEMENT_PORT} asks for their metrics and health endpoint; payment-api
 * serves both on its own HTTP port), and nothing else; logs go to
 * {@code CHARGEONCE_LOG_FILE} when set. A service that cannot start exits with code 1 and says why on
 * stderr; one whose work stopped for good (Kafka Streams in ERROR) exits with code 70. With
 * {@code CHARGEONCE_OWNER_PID} set it exits when that process is gone (the cluster that started it).
 */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = "Run one service (api, relay or processor) configured from CHARGEONCE_* environment variables "
                + "until SIGTERM; prints 'READY <service> <detail>' when it serves.")
public final class ServiceCommand implements Callable<Integer> {

    /** Exit code of a service whose work stopped for good while it ran (EX_SOFTWARE). */
    static final int EXIT_FATAL = 70;
    private static final Duration HEALTH_CHECK = Duration.ofSeconds(1);
    private static final Duration PROCESSOR_READY_TIMEOUT = Duration.ofMinutes(2);

    /** The services this command can run. */
    enum Kind { api, relay, processor }

    @Parameters(index = "0", description = "Which service: ${COMPLETION-CANDIDATES}.")
    Kind kind;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        ServiceLogging.useFileFrom(env);
        Logger log = LoggerFactory.getLogger(ServiceCommand.class);
        ChildJvm.exitWhenOwnerDies("service " + kind);
        RunningService service;
        try {
            service = switch (kind) {
                case api -> ApiService.start(env);
                case relay -> RelayService.start(env);
                case processor -> ProcessorService.start(env, PROCESSOR_READY_TIMEOUT);
            };
        } catch (RuntimeException e) {
            log.error("{} service failed to start: {}", kind, e.getMessage(), e);
            System.err.println(kind + " service failed to start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true); // from here on a stopped service is what was asked for, not a failure
            log.info("{} service stopping (signal)", kind);
            service.close();
            log.info("{} service stopped", kind);
            stopped.countDown();
        }, "service-" + kind + "-shutdown"));
        log.info("{} service ready: {}", kind, service.readyDetail());
        System.out.println("READY " + kind + " " + service.readyDetail());
        System.out.flush();
        while (!stopped.await(HEALTH_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
            String problem = service.fatalProblem();
            if (problem != null && !stopping.get()) {
                log.error("{} service cannot go on: {}; exiting with code {} so it is restarted", kind, problem, EXIT_FATAL);
                System.err.println(kind + " service cannot go on: " + problem);
                // from another thread: exit() waits for the shutdown hook, which closes the service
                Thread.ofPlatform().start(() -> System.exit(EXIT_FATAL));
                stopped.await();
            }
        }
        return 0;
    }
}
