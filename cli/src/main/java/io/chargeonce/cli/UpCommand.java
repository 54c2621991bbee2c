package io.chargeonce.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code chargeonce up}: the whole stack and every service in the foreground until Ctrl-C or
 * SIGTERM, which stop everything (the JVM's shutdown hook closes the stack; the sandbox reaps
 * leftovers of a run that was killed with -9 before it starts).
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run Postgres, Kafka, the schema registry, the provider simulator, payment-api, the outbox relay "
                + "and the payment processor in the foreground; print where everything is. Ctrl-C stops it all.")
public final class UpCommand implements Callable<Integer> {

    @Option(names = "--free-ports", description = "Use free ports instead of the documented defaults (8080, 8081, 8090, 9092, 5433).")
    boolean freePorts;

    @Override
    public Integer call() throws InterruptedException {
        String key = ApiKeys.demoKey();
        Stack stack = Stack.start(freePorts ? Stack.Options.freePorts(key) : Stack.Options.defaults(key), System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping chargeonce ...");
            stack.close();
            System.out.println("stopped: no process, port or replication slot left behind");
            stopped.countDown();
        }, "chargeonce-shutdown"));
        System.out.println();
        System.out.println("chargeonce is up:");
        System.out.println(stack.describe());
        System.out.println();
        System.out.println("try:  curl -s -X POST " + stack.apiUrl() + "/payments -H 'Authorization: Bearer " + stack.apiKey()
                + "' -H 'Idempotency-Key: first-try' -H 'Content-Type: application/json' "
                + "-d '{\"orderId\":\"o-1\",\"customerId\":\"cus_1\",\"amount\":1999,\"currency\":\"EUR\"}'");
        System.out.println("Ctrl-C stops everything.");
        stopped.await();
        return 0;
    }
}
