package io.chargeonce.sandbox.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chargeonce.sandbox.ProviderRefund;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The refund book's one promise the HTTP tests cannot force: two keys never fit into the same unrefunded amount. */
class RefundBookTest {

    private static final String CHARGE = "ch_1";
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private final RefundBook book = new RefundBook();

    @Test
    void aSecondKeyDecidesOnlyAfterTheFirstKeysRefundIsStored() {
        IdempotencyBook.InFlight<RefundRequest, RefundBook.Outcome> first = won("key-a", 700);
        IdempotencyBook.InFlight<RefundRequest, RefundBook.Outcome> second = won("key-b", 400);
        AtomicLong secondSaw = new AtomicLong(-1);
        AtomicReference<Thread> secondThread = new AtomicReference<>();
        AtomicReference<CompletableFuture<RefundBook.Decision>> secondDecision = new AtomicReference<>();

        RefundBook.Decision firstDecision = book.decide("key-a", first, CHARGE, 1000, unrefunded -> {
            // While the first key is deciding, the second tries to decide against the same charge; let it
            // go as far as it can: either it waits for the first (the promise) or it decides on a stale amount.
            secondDecision.set(CompletableFuture.supplyAsync(() -> {
                secondThread.set(Thread.currentThread());
                return book.decide("key-b", second, CHARGE, 1000, seen -> {
                    secondSaw.set(seen);
                    return answer(second.request(), seen);
                });
            }));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> secondSaw.get() >= 0
                    || secondThread.get() != null && secondThread.get().getState() == Thread.State.WAITING);
            return answer(first.request(), unrefunded);
        });

        RefundBook.Decision late = secondDecision.get().join();
        assertThat(firstDecision.answer().outcome()).isInstanceOf(RefundBook.Refunded.class);
        assertThat(secondSaw.get()).isEqualTo(300);
        assertThat(late.answer().outcome()).isInstanceOfSatisfying(RefundBook.Refused.class,
                refused -> assertThat(refused.code()).isEqualTo("amount_too_large"));
        assertThat(book.ledger()).extracting(ProviderRefund::amount).containsExactly(700L);
    }

    @Test
    void aRefundCannotBeStoredWithoutCheckingTheUnrefundedAmount() {
        IdempotencyBook.InFlight<RefundRequest, RefundBook.Outcome> slot = won("key-c", 100);

        assertThatThrownBy(() -> book.settle("key-c", slot, answer(slot.request(), 1000)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(book.ledger()).isEmpty();
        assertThat(book.settled("key-c")).isEmpty();
    }

    private IdempotencyBook.InFlight<RefundRequest, RefundBook.Outcome> won(String key, long amount) {
        var claim = book.claim(key, new RefundRequest(CHARGE, amount, Map.of("refund_id", key)));
        assertThat(claim).isInstanceOf(IdempotencyBook.Won.class);
        return ((IdempotencyBook.Won<RefundRequest, RefundBook.Outcome>) claim).slot();
    }

    private static IdempotencyBook.Settled<RefundRequest, RefundBook.Outcome> answer(RefundRequest request, long unrefunded) {
        RefundBook.Outcome outcome = request.amount() <= unrefunded
                ? new RefundBook.Refunded(new ProviderRefund("re_" + request.refundId(), request.refundId(), CHARGE,
                        null, request.refundId(), request.amount(), "usd", ProviderRefund.SUCCEEDED, NOW))
                : new RefundBook.Refused("amount_too_large", "too large", "usd", NOW);
        return new IdempotencyBook.Settled<>(request, outcome instanceof RefundBook.Refunded ? 200 : 400, new byte[0],
                outcome);
    }
}
