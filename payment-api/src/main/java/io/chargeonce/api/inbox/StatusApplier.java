package io.chargeonce.api.inbox;

import io.chargeonce.api.payment.PaymentState;
import io.chargeonce.events.PaymentStatusChanged;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Applies a batch of status events to the payments they name, in ONE Postgres transaction that
 * first claims the batch's event ids in {@code status_inbox}. The claim is a single insert that
 * does nothing on a known id and returns the ids it did insert, so a redelivered event changes
 * nothing even when two consumers race on it; and because the claims commit with the status
 * changes, a crash in between leaves neither.
 *
 * <p>One transaction per batch instead of per event is the point: each commit waits for an
 * fsync, and with one per event the inbox topped out at ~320 events/s, below what a storm
 * produces. Within the batch the claimed events are applied in topic order through
 * {@link PaymentMoves}, so several events for one payment end in the state one-by-one application
 * would have reached; the payments are row-locked (in id order, so two appliers cannot deadlock)
 * until the commit.
 *
 * <p>Timer {@value #JOURNEY} by terminal {@code status}: from the payment's {@code created_at} (taken in
 * the intent's transaction, just before its commit) to the commit of the batch that made it
 * CONFIRMED or FAILED, so only committed moves are timed, each payment once (a terminal state is
 * never left). It publishes a percentile histogram so p50/p99 aggregate across instances.
 */
public final class StatusApplier {

    private static final Logger log = LoggerFactory.getLogger(StatusApplier.class);

    public static final String JOURNEY = "chargeonce.api.journey";

    private final DataSource dataSource;
    private final Clock clock;
    private final Map<PaymentState, Timer> journeys = new EnumMap<>(PaymentState.class);

    /** A journey's moves that reached a terminal state, timed once the batch committed. */
    private record Applied(List<InboxOutcome> outcomes, Map<PaymentState, List<Duration>> journeys) {
    }

    public StatusApplier(DataSource dataSource, Clock clock, MeterRegistry meters) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (PaymentState terminal : List.of(PaymentState.CONFIRMED, PaymentState.FAILED)) {
            journeys.put(terminal, Timer.builder(JOURNEY)
                    .description("intent commit to terminal status applied at payment-api")
                    .tag("status", terminal.name())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(5))
                    .maximumExpectedValue(Duration.ofMinutes(10))
                    .register(meters));
        }
    }

    /**
     * @param events in their order on the status topic (per partition; a payment lives on one)
     * @return what became of each event, index for index
     * @throws SQLException if the database failed; nothing of the batch was claimed or changed, retry it whole
     */
    public List<InboxOutcome> apply(List<PaymentStatusChanged> events) throws SQLException {
        if (events.isEmpty()) {
            return List.of();
        }
        try (Connection transaction = dataSource.getConnection()) {
            transaction.setAutoCommit(false);
            try {
                Applied applied = applyIn(transaction, events);
                transaction.commit();
                applied.journeys().forEach((status, took) -> took.forEach(journeys.get(status)::record));
                return applied.outcomes();
            } catch (SQLException | RuntimeException e) {
                try {
                    transaction.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    private Applied applyIn(Connection transaction, List<PaymentStatusChanged> events) throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        // The first occurrence of an id in the batch is the one that may claim it; a repeat inside
        // the batch is a duplicate like any other redelivery.
        Map<String, PaymentStatusChanged> firstById = new LinkedHashMap<>();
        for (PaymentStatusChanged event : events) {
            firstById.putIfAbsent(event.getEventId(), event);
        }
        Set<String> claimed = claim(transaction, firstById.values(), now);
        Set<UUID> named = new HashSet<>();
        for (String eventId : claimed) {
            UUID paymentId = PaymentMoves.parseUuid(firstById.get(eventId).getPaymentId());
            if (paymentId != null) {
                named.add(paymentId);
            }
        }
        Map<UUID, Instant> createdAt = new HashMap<>();
        PaymentMoves moves = new PaymentMoves(lock(transaction, named, createdAt));
        List<InboxOutcome> outcomes = new ArrayList<>(events.size());
        for (PaymentStatusChanged event : events) {
            if (claimed.remove(event.getEventId())) {
                outcomes.add(moves.offer(event));
            } else {
                log.atDebug().addKeyValue("paymentId", event.getPaymentId()).addKeyValue("eventId", event.getEventId())
                        .addKeyValue("decision", InboxOutcome.DUPLICATE.tag())
                        .log("status event {} for payment {} already applied", event.getEventId(), event.getPaymentId());
                outcomes.add(InboxOutcome.DUPLICATE);
            }
        }
        update(transaction, moves.moves(), now);
        Map<PaymentState, List<Duration>> finished = new EnumMap<>(PaymentState.class);
        moves.moves().forEach((id, move) -> {
            Instant created = createdAt.get(id);
            if (journeys.containsKey(move.status()) && created != null) {
                finished.computeIfAbsent(move.status(), s -> new ArrayList<>())
                        .add(Duration.between(created, now.toInstant()));
            }
        });
        return new Applied(outcomes, finished);
    }

    /** Inserts the ids not yet in the inbox; returns exactly those. */
    private static Set<String> claim(Connection transaction, Iterable<PaymentStatusChanged> events, Timestamp now)
            throws SQLException {
        List<String> ids = new ArrayList<>();
        List<String> payments = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        for (PaymentStatusChanged event : events) {
            ids.add(event.getEventId());
            payments.add(event.getPaymentId());
            statuses.add(event.getStatus().name());
        }
        try (PreparedStatement insert = transaction.prepareStatement("""
                INSERT INTO status_inbox (event_id, payment_id, status, received_at)
                SELECT e.event_id, e.payment_id, e.status, ?
                FROM unnest(?::text[], ?::text[], ?::text[]) AS e(event_id, payment_id, status)
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id""")) {
            insert.setTimestamp(1, now);
            insert.setArray(2, transaction.createArrayOf("text", ids.toArray()));
            insert.setArray(3, transaction.createArrayOf("text", payments.toArray()));
            insert.setArray(4, transaction.createArrayOf("text", statuses.toArray()));
            Set<String> claimed = new HashSet<>();
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    claimed.add(rows.getString(1));
                }
            }
            return claimed;
        }
    }

    /** The named payments that exist, row-locked until commit so no other status event interleaves. */
    private static Map<UUID, PaymentMoves.Locked> lock(Connection transaction, Set<UUID> paymentIds,
                                                      Map<UUID, Instant> createdAt) throws SQLException {
        Map<UUID, PaymentMoves.Locked> locked = new HashMap<>();
        if (paymentIds.isEmpty()) {
            return locked;
        }
        try (PreparedStatement select = transaction.prepareStatement(
                "SELECT id, merchant_id, status, created_at FROM payments WHERE id = ANY(?) ORDER BY id FOR UPDATE")) {
            select.setArray(1, transaction.createArrayOf("uuid", paymentIds.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    createdAt.put(rows.getObject("id", UUID.class), rows.getTimestamp("created_at").toInstant());
                    locked.put(rows.getObject("id", UUID.class), new PaymentMoves.Locked(
                            rows.getObject("merchant_id", UUID.class), PaymentState.valueOf(rows.getString("status"))));
                }
            }
        }
        return locked;
    }

    /** One statement for every moved payment; a null charge id keeps the stored one. */
    private static void update(Connection transaction, Map<UUID, PaymentMoves.Move> moves, Timestamp now)
            throws SQLException {
        if (moves.isEmpty()) {
            return;
        }
        List<UUID> ids = new ArrayList<>(moves.size());
        List<String> statuses = new ArrayList<>(moves.size());
        List<String> reasons = new ArrayList<>(moves.size());
        List<String> chargeIds = new ArrayList<>(moves.size());
        moves.forEach((id, move) -> {
            ids.add(id);
            statuses.add(move.status().name());
            reasons.add(move.reason());
            chargeIds.add(move.providerChargeId());
        });
        try (PreparedStatement update = transaction.prepareStatement("""
                UPDATE payments AS p
                SET status = m.status, reason = m.reason,
                    provider_charge_id = coalesce(m.charge_id, p.provider_charge_id), updated_at = ?
                FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[]) AS m(id, status, reason, charge_id)
                WHERE p.id = m.id""")) {
            update.setTimestamp(1, now);
            update.setArray(2, transaction.createArrayOf("uuid", ids.toArray()));
            update.setArray(3, transaction.createArrayOf("text", statuses.toArray()));
            update.setArray(4, transaction.createArrayOf("text", reasons.toArray()));
            update.setArray(5, transaction.createArrayOf("text", chargeIds.toArray()));
            int updated = update.executeUpdate();
            if (updated != moves.size()) {
                // The rows are locked since lock(): this cannot happen unless the schema changed under us.
                throw new SQLException("status batch updated " + updated + " payments, expected " + moves.size());
            }
        }
    }
}
