package io.chargeonce.cli.faults;

/**
 * The rows of the fault matrix: each is something that goes wrong in production, injected at a
 * random moment while payments are flowing. After each row the whole history is verified.
 */
public enum Fault {
    KILL_RELAY("kill -9 of the outbox relay, then restart"),
    KILL_PROCESSOR("kill -9 of the payment processor, then restart"),
    KILL_API("kill -9 of payment-api, then restart on the same port"),
    KILL_BROKER("kill -9 of the Kafka broker, then restart on the same log dir"),
    KILL_POSTGRES("kill -9 of the Postgres postmaster, then restart on the same data dir"),
    RESTART_RELAY("clean restart (SIGTERM) of the outbox relay"),
    RESTART_PROCESSOR("clean restart (SIGTERM) of the payment processor"),
    RESTART_API("clean restart (SIGTERM) of payment-api"),
    RESTART_BROKER("clean restart (SIGTERM) of the Kafka broker"),
    RESTART_POSTGRES("clean restart (SIGTERM) of Postgres"),
    KILL_ONE_OF_TWO_PROCESSORS("two processor instances share the work; one is killed -9 and stays down for the row"),
    ZOMBIE_PROCESSOR("one of two processors is frozen (SIGSTOP) past its session timeout, then resumed: it must be fenced"),
    REBALANCE("a processor instance joins mid-load, another leaves mid-load"),
    PROVIDER_TIMEOUT("the provider answers slower than the processor's timeout for a while"),
    PROVIDER_5XX("half of the provider's answers are 5xx for a while"),
    PROVIDER_DECLINES("a third of the cards are declined"),
    PROVIDER_DROPS("half of the provider's answers are dropped after charging"),
    PROVIDER_SLOW("the provider takes about a second per charge"),
    PROVIDER_OUTAGE_PAST_CAP("the provider is down for longer than the retry cap: payments must go NEEDS_ATTENTION, not silent"),
    DUPLICATE_EVENTS("request events re-published on the request topic, as a crashed relay would"),
    DLT_REPLAY_TWICE("poison records dead-lettered, then every dead letter replayed to its origin twice"),
    CONCURRENT_SAME_KEY("many threads POST one Idempotency-Key at once"),
    SAME_KEY_DIFFERENT_BODIES("many threads POST one Idempotency-Key with different bodies at once"),
    SAME_KEY_TWO_MERCHANTS("two merchants use the same Idempotency-Key"),
    RELAY_OFFSETS_LOST("the relay's offset store is wiped while it is stopped; redelivery must be absorbed");

    private final String description;

    Fault(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The row's name in reports and on the command line, e.g. {@code kill-relay}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static Fault fromLabel(String label) {
        for (Fault fault : values()) {
            if (fault.label().equalsIgnoreCase(label) || fault.name().equalsIgnoreCase(label)) {
                return fault;
            }
        }
        throw new IllegalArgumentException("unknown fault '" + label + "'; known: "
                + java.util.Arrays.stream(values()).map(Fault::label).toList());
    }
}
