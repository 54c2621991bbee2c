package io.chargeonce.api.inbox;

import io.chargeonce.api.history.HistoryEntry;
import io.chargeonce.api.history.PaymentHistory;
import io.chargeonce.api.history.Subject;
import io.chargeonce.api.payment.Lifecycle;
import io.chargeonce.api.payment.PaymentState;
import io.chargeonce.api.refund.RefundState;
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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Applies a batch of status events, of payments and of refunds, to what they name, in ONE Postgres
 * transaction that first claims the batch's event ids in {@code status_inbox}. The claim is a
 * single insert that does nothing on a known id and returns the ids it did insert, so a
 * redelivered event changes nothing even when two consumers race on it; and because the claims
 * commit with the status changes and their history rows, a crash in between leaves none of them.
 *
 * <p>One transaction per batch instead of per event is the point: each commit waits for an
 * fsync, and with one per event the inbox topped out at ~320 events/s, below what a storm
 * produces. Within the batch the claimed events are applied in topic order through {@link Moves},
 * so several events for one payment or refund end in the state one-by-one application would have
 * reached; the rows are locked (payments, then refunds, each in id order, so two appliers cannot
 * deadlock) until the commit. Every legal change also appends its row to the payment's history.
 *
 * <p>Timer {@value #JOURNEY} by terminal {@code status}: from the payment's {@code created_at} (taken in
 * the intent's transaction, just before its commit) to the commit of the batch that made it
 * CONFIRMED or FAILED, so only committed moves are timed, each payment once (a terminal state is
 * never left). It publishes a percentile histogram so p50/p99 aggregate across instances.
 */
public final class StatusApplier {

    private static final Logger log = LoggerFactory.getLogger(StatusApplier.class);

    public static final String JOURNEY = "chargeonce.api.journey";

    /** How the applier reads and writes one kind of subject: its table and the column of the provider's id. */
    private record Table<S extends Enum<S> & Lifecycle<S>>(Subject subject, String name, String paymentColumn,
                                                           String providerColumn, boolean hasReasonCode,
                                                           Function<String, S> states) {
    }

    private static final Table<PaymentState> PAYMENTS =
            new Table<>(Subject.PAYMENT, "payments", "id", "provider_charge_id", false, PaymentState::valueOf);
    private static final Table<RefundState> REFUNDS =
            new Table<>(Subject.REFUND, "refunds", "payment_id", "provider_refund_id", true, RefundState::valueOf);

    private final DataSource dataSource;
    private final Clock clock;
    private final Map<PaymentState, Timer> journeys = new EnumMap<>(PaymentState.class);

    /** A batch's outcomes, and the journeys that reached a terminal state, timed once the batch committed. */
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
     * @param events in their order on their topics (per partition; a payment and its refunds live on one)
     * @return what became of each event, index for index
     * @throws SQLException if the database failed; nothing of the batch was claimed or changed, retry it whole
     */
    public List<InboxOutcome> apply(List<StatusEvent> events) throws SQLException {
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

    private Applied applyIn(Connection transaction, List<StatusEvent> events) throws SQLException {
        Instant now = clock.instant();
        // The first occurrence of an id in the batch is the one that may claim it; a repeat inside
        // the batch is a duplicate like any other redelivery.
        Map<String, StatusEvent> firstById = new LinkedHashMap<>();
        for (StatusEvent event : events) {
            firstById.putIfAbsent(event.eventId(), event);
        }
        Set<String> claimed = claim(transaction, firstById.values(), Timestamp.from(now));
        Moves<PaymentState> payments = lock(transaction, PAYMENTS, named(claimed, firstById, Subject.PAYMENT));
        Moves<RefundState> refunds = lock(transaction, REFUNDS, named(claimed, firstById, Subject.REFUND));
        List<InboxOutcome> outcomes = new ArrayList<>(events.size());
        for (StatusEvent event : events) {
            if (claimed.remove(event.eventId())) {
                outcomes.add(event.subject() == Subject.PAYMENT ? payments.offer(event) : refunds.offer(event));
            } else {
                log.atDebug().addKeyValue("paymentId", event.paymentId()).addKeyValue("eventId", event.eventId())
                        .addKeyValue("decision", InboxOutcome.DUPLICATE.tag())
                        .log("status event {} for {} {} already applied", event.eventId(), event.subject().word(),
                                event.subjectId());
                outcomes.add(InboxOutcome.DUPLICATE);
            }
        }
        update(transaction, PAYMENTS, payments.moves(), now);
        update(transaction, REFUNDS, refunds.moves(), now);
        List<HistoryEntry> history = new ArrayList<>();
        payments.applied().forEach(c -> history.add(
                new HistoryEntry(c.paymentId(), null, c.status().name(), c.reason(), c.eventId(), now)));
        refunds.applied().forEach(c -> history.add(
                new HistoryEntry(c.paymentId(), c.id(), c.status().name(), c.reason(), c.eventId(), now)));
        PaymentHistory.append(transaction, history);
        Map<PaymentState, List<Duration>> finished = new EnumMap<>(PaymentState.class);
        payments.moves().forEach((id, move) -> {
            Instant created = payments.createdAt(id);
            if (journeys.containsKey(move.status()) && created != null) {
                finished.computeIfAbsent(move.status(), s -> new ArrayList<>()).add(Duration.between(created, now));
            }
        });
        return new Applied(outcomes, finished);
    }

    /** The ids of the subjects of one kind that the claimed events name. */
    private static Set<UUID> named(Set<String> claimed, Map<String, StatusEvent> byId, Subject subject) {
        Set<UUID> named = new HashSet<>();
        for (String eventId : claimed) {
            StatusEvent event = byId.get(eventId);
            UUID id = event.subject() == subject ? Moves.parseUuid(event.subjectId()) : null;
            if (id != null) {
                named.add(id);
            }
        }
        return named;
    }

    /** Inserts the ids not yet in the inbox; returns exactly those. */
    private static Set<String> claim(Connection transaction, Iterable<StatusEvent> events, Timestamp now)
            throws SQLException {
        List<String> ids = new ArrayList<>();
        List<String> payments = new ArrayList<>();
        List<String> refunds = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        for (StatusEvent event : events) {
            ids.add(event.eventId());
            payments.add(event.paymentId());
            refunds.add(event.refundId());
            statuses.add(event.status());
        }
        try (PreparedStatement insert = transaction.prepareStatement("""
                INSERT INTO status_inbox (event_id, payment_id, refund_id, status, received_at)
                SELECT e.event_id, e.payment_id, e.refund_id, e.status, ?
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS e(event_id, payment_id, refund_id, status)
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id""")) {
            insert.setTimestamp(1, now);
            insert.setArray(2, transaction.createArrayOf("text", ids.toArray()));
            insert.setArray(3, transaction.createArrayOf("text", payments.toArray()));
            insert.setArray(4, transaction.createArrayOf("text", refunds.toArray()));
            insert.setArray(5, transaction.createArrayOf("text", statuses.toArray()));
            Set<String> claimed = new HashSet<>();
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    claimed.add(rows.getString(1));
                }
            }
            return claimed;
        }
    }

    /** The named rows that exist, locked until commit so no other status event interleaves. */
    private static <S extends Enum<S> & Lifecycle<S>> Moves<S> lock(Connection transaction, Table<S> table,
                                                                     Set<UUID> ids) throws SQLException {
        Map<UUID, Moves.Locked<S>> locked = new HashMap<>();
        if (!ids.isEmpty()) {
            try (PreparedStatement select = transaction.prepareStatement("SELECT id, merchant_id, "
                    + table.paymentColumn() + " AS payment_id, status, created_at FROM " + table.name()
                    + " WHERE id = ANY(?) ORDER BY id FOR UPDATE")) {
                select.setArray(1, transaction.createArrayOf("uuid", ids.toArray()));
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        locked.put(rows.getObject("id", UUID.class), new Moves.Locked<>(
                                rows.getObject("merchant_id", UUID.class), rows.getObject("payment_id", UUID.class),
                                table.states().apply(rows.getString("status")),
                                rows.getTimestamp("created_at").toInstant()));
                    }
                }
            }
        }
        return new Moves<>(table.subject(), table.states(), locked);
    }

    /** One statement for every moved row of a table; a null provider id keeps the stored one. */
    private static <S extends Enum<S> & Lifecycle<S>> void update(Connection transaction, Table<S> table,
                                                                   Map<UUID, Moves.Move<S>> moves, Instant now)
            throws SQLException {
        if (moves.isEmpty()) {
            return;
        }
        List<UUID> ids = new ArrayList<>(moves.size());
        List<String> statuses = new ArrayList<>(moves.size());
        List<String> reasons = new ArrayList<>(moves.size());
        List<String> codes = new ArrayList<>(moves.size());
        List<String> providerIds = new ArrayList<>(moves.size());
        moves.forEach((id, move) -> {
            ids.add(id);
            statuses.add(move.status().name());
            reasons.add(move.reason());
            codes.add(move.reasonCode());
            providerIds.add(move.providerId());
        });
        String provider = table.providerColumn();
        try (PreparedStatement update = transaction.prepareStatement("UPDATE " + table.name() + " AS t"
                + " SET status = m.status, reason = m.reason,"
                + (table.hasReasonCode() ? " reason_code = m.reason_code," : "")
                + " " + provider + " = coalesce(m.provider_id, t." + provider + "), updated_at = ?"
                + " FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[])"
                + " AS m(id, status, reason, reason_code, provider_id) WHERE t.id = m.id")) {
            update.setTimestamp(1, Timestamp.from(now));
            update.setArray(2, transaction.createArrayOf("uuid", ids.toArray()));
            update.setArray(3, transaction.createArrayOf("text", statuses.toArray()));
            update.setArray(4, transaction.createArrayOf("text", reasons.toArray()));
            update.setArray(5, transaction.createArrayOf("text", codes.toArray()));
            update.setArray(6, transaction.createArrayOf("text", providerIds.toArray()));
            int updated = update.executeUpdate();
            if (updated != moves.size()) {
                // The rows are locked since lock(): this cannot happen unless the schema changed under us.
                throw new SQLException("status batch updated " + updated + " " + table.name() + ", expected "
                        + moves.size());
            }
        }
    }
}
