package io.chargeonce.api.inbox;

import io.chargeonce.api.history.Subject;
import io.chargeonce.api.payment.Lifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * The moves one batch of claimed status events makes on the payments (or refunds) they name,
 * worked out in memory before anything is written. Events must be offered in their order on their
 * topic; each is judged against the state the earlier events of the batch left its subject in, so
 * several events for one subject end exactly where applying them one by one would have: a PENDING
 * then CONFIRMED lands on CONFIRMED, and a FAILED after that CONFIRMED is illegal even though the
 * table still says PENDING.
 *
 * <p>{@link #moves()} is what to write: per subject, its final status, the reason (and reason
 * code) of the last event that moved it and the last provider id any of those events carried (null
 * keeps the stored one), the same values the one-by-one updates would have left. {@link #applied()}
 * is every legal change in order, for the history.
 */
final class Moves<S extends Enum<S> & Lifecycle<S>> {

    private static final Logger log = LoggerFactory.getLogger(Moves.class);

    /** A subject as locked in its table at the start of the batch. */
    record Locked<S>(UUID merchantId, UUID paymentId, S state, Instant createdAt) {
    }

    /** What one subject looks like after the batch's events for it. */
    record Move<S>(S status, String reason, String reasonCode, String providerId) {
    }

    /** One legal change, in the order it was offered. */
    record Applied<S>(UUID id, UUID paymentId, S status, String reason, String eventId) {
    }

    private final Subject subject;
    private final Function<String, S> states;
    private final Map<UUID, Locked<S>> locked;
    private final Map<UUID, Move<S>> moves = new LinkedHashMap<>();
    private final List<Applied<S>> applied = new ArrayList<>();

    /**
     * @param states the state an event's status name means
     * @param locked every subject the batch names that exists here, by id
     */
    Moves(Subject subject, Function<String, S> states, Map<UUID, Locked<S>> locked) {
        this.subject = Objects.requireNonNull(subject, "subject");
        this.states = Objects.requireNonNull(states, "states");
        this.locked = Objects.requireNonNull(locked, "locked");
    }

    /** Judges the next claimed event of the batch and, if legal, folds it into its subject's move. */
    InboxOutcome offer(StatusEvent event) {
        UUID id = parseUuid(event.subjectId());
        Locked<S> row = id == null ? null : locked.get(id);
        if (row == null || !row.merchantId().equals(parseUuid(event.merchantId()))
                || !row.paymentId().equals(parseUuid(event.paymentId()))) {
            InboxOutcome unknown = subject == Subject.PAYMENT ? InboxOutcome.UNKNOWN_PAYMENT : InboxOutcome.UNKNOWN_REFUND;
            ids(log.atWarn(), event.subjectId(), event.paymentId())
                    .addKeyValue("eventId", event.eventId()).addKeyValue("decision", unknown.tag())
                    .log("status event {} names {} {} of payment {} and merchant {}, which does not exist here: ignored",
                            event.eventId(), subject.word(), event.subjectId(), event.paymentId(), event.merchantId());
            return unknown;
        }
        Move<S> earlier = moves.get(id);
        S current = earlier != null ? earlier.status() : row.state();
        S next = states.apply(event.status());
        if (!current.canMoveTo(next)) {
            ids(log.atWarn(), id, row.paymentId())
                    .addKeyValue("eventId", event.eventId()).addKeyValue("decision", InboxOutcome.ILLEGAL_TRANSITION.tag())
                    .addKeyValue("from", current).addKeyValue("to", next)
                    .log("status event {} would move {} {} from {} to {}: illegal transition ignored",
                            event.eventId(), subject.word(), id, current, next);
            return InboxOutcome.ILLEGAL_TRANSITION;
        }
        String providerId = event.providerId() != null ? event.providerId()
                : earlier != null ? earlier.providerId() : null;
        moves.put(id, new Move<>(next, event.reason(), event.reasonCode(), providerId));
        applied.add(new Applied<>(id, row.paymentId(), next, event.reason(), event.eventId()));
        ids(log.atInfo(), id, row.paymentId())
                .addKeyValue("eventId", event.eventId()).addKeyValue("decision", InboxOutcome.APPLIED.tag())
                .addKeyValue("from", current).addKeyValue("to", next)
                .log("{} {} moved from {} to {} by status event {} (attempt {})",
                        subject.word(), id, current, next, event.eventId(), event.attempt());
        return InboxOutcome.APPLIED;
    }

    /** The subject's id and, for a refund, its payment's id, as key-value pairs. */
    private LoggingEventBuilder ids(LoggingEventBuilder event, Object id, Object paymentId) {
        LoggingEventBuilder withId = event.addKeyValue(subject.word() + "Id", id);
        return subject == Subject.PAYMENT ? withId : withId.addKeyValue("paymentId", paymentId);
    }

    /** Final values per moved subject, in the order the subjects first moved. */
    Map<UUID, Move<S>> moves() {
        return Collections.unmodifiableMap(moves);
    }

    /** Every legal change of the batch, in the order offered. */
    List<Applied<S>> applied() {
        return Collections.unmodifiableList(applied);
    }

    /** When the subject was created, for timing its journey. */
    Instant createdAt(UUID id) {
        Locked<S> row = locked.get(id);
        return row == null ? null : row.createdAt();
    }

    static UUID parseUuid(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
