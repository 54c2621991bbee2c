package io.chargeonce.cli.story;

import io.chargeonce.cli.verify.History;
import io.chargeonce.cli.verify.History.Payment;
import io.chargeonce.cli.verify.History.Request;
import io.chargeonce.cli.verify.History.StatusEvent;
import io.chargeonce.cli.verify.RefundHistory;
import io.chargeonce.events.PaymentStatus;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * Picks the payment whose story shows the most of what chargeonce is for, from a whole history:
 * an unknown provider outcome reconciled to CONFIRMED first (the "did it charge?" case), then a
 * refund (the money going back, on the same road), then a relay redelivery the inbox absorbed, then
 * NEEDS_ATTENTION. Ties go to the earliest payment, so a seeded run picks the same one every time.
 */
public final class StoryPick {

    private StoryPick() {
    }

    public static Optional<String> mostEventful(History history) {
        Map<String, List<StatusEvent>> statuses = history.statusEvents().stream()
                .collect(Collectors.groupingBy(StatusEvent::paymentId));
        Map<String, List<Request>> requests = history.requests().stream().filter(r -> r.paymentId() != null)
                .collect(Collectors.groupingBy(Request::paymentId));
        Set<String> refunded = history.refunds().refunds().stream().map(RefundHistory.Refund::paymentId)
                .collect(Collectors.toSet());
        ToIntFunction<Payment> scoreOf = p -> score(p, statuses.getOrDefault(p.id(), List.of()),
                requests.getOrDefault(p.id(), List.of()), refunded.contains(p.id()));
        return history.payments().stream()
                .filter(p -> scoreOf.applyAsInt(p) > 0)
                .max(Comparator.comparingInt(scoreOf)
                        // max keeps the last of equals: make the earliest payment the largest among ties
                        .thenComparing(Payment::createdAt, Comparator.nullsFirst(Comparator.<Instant>reverseOrder())))
                .map(Payment::id);
    }

    private static int score(Payment payment, List<StatusEvent> statuses, List<Request> requests, boolean refunded) {
        boolean unknownOutcome = statuses.stream().anyMatch(s -> s.status() == PaymentStatus.PENDING && s.reason() != null);
        boolean redelivered = requests.size() > requests.stream().map(Request::identity).distinct().count();
        boolean attention = payment.status() == PaymentStatus.NEEDS_ATTENTION;
        return (unknownOutcome && payment.status() == PaymentStatus.CONFIRMED ? 4 : unknownOutcome ? 2 : 0)
                + (refunded ? 3 : 0) + (redelivered ? 2 : 0) + (attention ? 1 : 0);
    }
}
