package io.chargeonce.cli.story;

import io.chargeonce.cli.verify.History;
import io.chargeonce.cli.verify.History.Coordinates;
import io.chargeonce.cli.verify.History.Payment;
import io.chargeonce.cli.verify.History.Request;
import io.chargeonce.cli.verify.History.StatusEvent;
import io.chargeonce.cli.verify.RefundHistory;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.RefundStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo ends with the story that shows the most: a reconciled unknown outcome beats a plain one. */
class StoryPickTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void picksTheReconciledPaymentOverARedeliveredOneAndThePlainOnes() {
        History history = history(
                List.of(payment("plain", 0), payment("redelivered", 1), payment("reconciled", 2), payment("reconciled-later", 3)),
                List.of(request("plain", "e1", 0), request("redelivered", "e2", 1), request("redelivered", "e2", 2),
                        request("reconciled", "e3", 3), request("reconciled-later", "e4", 4)),
                List.of(status("reconciled", PaymentStatus.PENDING, "attempt 1: response lost", 0),
                        status("reconciled", PaymentStatus.CONFIRMED, null, 1),
                        status("reconciled-later", PaymentStatus.PENDING, "attempt 1: response lost", 2),
                        status("reconciled-later", PaymentStatus.CONFIRMED, null, 3)));

        assertThat(StoryPick.mostEventful(history)).as("the earliest of the two reconciled ones").contains("reconciled");
    }

    @Test
    void aRefundedPaymentBeatsARedeliveredOneButNotAReconciledOne() {
        List<Payment> payments = List.of(payment("redelivered", 0), payment("refunded", 1));
        List<Request> requests = List.of(request("redelivered", "e1", 0), request("redelivered", "e1", 1),
                request("refunded", "e2", 2));
        History refundedWins = history(payments, requests, List.of(), List.of(refund("refunded")));
        assertThat(StoryPick.mostEventful(refundedWins)).contains("refunded");

        History reconciledWins = history(List.of(payment("refunded", 0), payment("reconciled", 1)),
                List.of(request("refunded", "e2", 0), request("reconciled", "e3", 1)),
                List.of(status("reconciled", PaymentStatus.PENDING, "attempt 1: response lost", 0),
                        status("reconciled", PaymentStatus.CONFIRMED, null, 1)),
                List.of(refund("refunded")));
        assertThat(StoryPick.mostEventful(reconciledWins)).contains("reconciled");
    }

    @Test
    void picksNothingWhenEveryPaymentWentStraightThrough() {
        History history = history(List.of(payment("plain", 0)), List.of(request("plain", "e1", 0)),
                List.of(status("plain", PaymentStatus.CONFIRMED, null, 0)));

        assertThat(StoryPick.mostEventful(history)).isEmpty();
    }

    private static History history(List<Payment> payments, List<Request> requests, List<StatusEvent> statuses) {
        return history(payments, requests, statuses, List.of());
    }

    private static History history(List<Payment> payments, List<Request> requests, List<StatusEvent> statuses,
                                   List<RefundHistory.Refund> refunds) {
        return new History(payments, requests, statuses, List.of(), 0, List.of(), List.of(), 0, List.of(),
                new RefundHistory(refunds, List.of(), List.of(), List.of(), 0, List.of()));
    }

    private static RefundHistory.Refund refund(String paymentId) {
        return new RefundHistory.Refund("r-" + paymentId, paymentId, "m", 100, "EUR", RefundStatus.SUCCEEDED, null, null,
                "re_1", T0, T0.plusSeconds(1));
    }

    private static Payment payment(String id, int second) {
        return new Payment(id, "m", PaymentStatus.CONFIRMED, null, T0.plusSeconds(second), T0.plusSeconds(second + 1));
    }

    private static Request request(String id, String eventId, long offset) {
        return new Request(id, eventId, new Coordinates("requests", 0, offset));
    }

    private static StatusEvent status(String id, PaymentStatus status, String reason, long offset) {
        return new StatusEvent(id, "s" + offset, status, reason, new Coordinates("status", 0, offset));
    }
}
