package io.chargeonce.api.metrics;

import io.chargeonce.api.payment.PaymentState;
import io.chargeonce.api.refund.RefundState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gauges {@code chargeonce.api.payments} and {@code chargeonce.api.refunds} by {@code status}: how
 * many payments and refunds are in each state now, from a periodic
 * {@code SELECT status, count(*) ... GROUP BY status} of each table. A periodic count,
 * not counts kept on every write: it cannot drift from the table (an API crash, a manual fix),
 * at the price of one scan per period, and it stays wrong by at most one period. A failed count
 * keeps the last values; readiness is what reports a database that is down.
 */
public final class PaymentCensus implements AutoCloseable {

    public static final String GAUGE = "chargeonce.api.payments";
    public static final String REFUND_GAUGE = "chargeonce.api.refunds";
    /** Every 5 s: fresher than a 15 s scrape needs, and a count every 5 s is cheap at this table's size. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(PaymentCensus.class);

    private final DataSource dataSource;
    private final Map<String, AtomicLong> payments;
    private final Map<String, AtomicLong> refunds;
    private final ScheduledExecutorService scheduler;

    public static PaymentCensus start(DataSource dataSource, MeterRegistry meters, Duration period) {
        PaymentCensus census = new PaymentCensus(dataSource, meters);
        census.scheduler.scheduleWithFixedDelay(census::count, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return census;
    }

    private PaymentCensus(DataSource dataSource, MeterRegistry meters) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.payments = gauges(meters, GAUGE, "payments", PaymentState.values());
        this.refunds = gauges(meters, REFUND_GAUGE, "refunds", RefundState.values());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("payment-api-census").daemon(true).factory());
    }

    private static Map<String, AtomicLong> gauges(MeterRegistry meters, String name, String table, Enum<?>[] states) {
        Map<String, AtomicLong> counts = new LinkedHashMap<>();
        for (Enum<?> state : states) {
            AtomicLong count = new AtomicLong();
            counts.put(state.name(), count);
            Gauge.builder(name, count, AtomicLong::get)
                    .description(table + " by current status (periodic count of payment-api's table)")
                    .tag("status", state.name())
                    .register(meters);
        }
        return counts;
    }

    /** Counts now; also what the scheduler runs. */
    public void count() {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(5);
            count(statement, "payments", payments);
            count(statement, "refunds", refunds);
        } catch (SQLException | RuntimeException e) {
            log.debug("payment census failed, keeping the last counts: {}", e.toString());
        }
    }

    private static void count(Statement statement, String table, Map<String, AtomicLong> counts) throws SQLException {
        Map<String, Long> fresh = new HashMap<>();
        try (ResultSet rows = statement.executeQuery("SELECT status, count(*) FROM " + table + " GROUP BY status")) {
            while (rows.next()) {
                fresh.put(rows.getString(1), rows.getLong(2));
            }
        }
        counts.forEach((state, count) -> count.set(fresh.getOrDefault(state, 0L)));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
