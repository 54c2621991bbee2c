package io.chargeonce.cli.load;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The refund plan's draw, without any API: a seed always draws the same refunds, each of a distinct
 * payment of its own merchant, within what the books leave of it, under a key of its own.
 */
class RefundPlanTest {

    private static RefundPlan plan(long seed, int maxRefunds) {
        return RefundPlan.of("http://127.0.0.1:1", List.of("sk_a", "sk_b"), maxRefunds, 5, seed, "row-1");
    }

    /** 40 payments of 1..5000 minor units, some already partly or almost wholly refunded. */
    private static List<Refundable> books() {
        return IntStream.range(0, 40).mapToObj(i -> {
            long amount = 1 + (i * 997L) % 5000;
            long claimed = i % 3 == 0 ? amount - 1 : (i % 3 == 1 ? amount / 2 : 0);
            return new Refundable("pay-" + i, i % 2, amount, claimed);
        }).filter(r -> r.remaining() > 0).toList();
    }

    @Test
    void theSameSeedDrawsTheSameRefundsAndAnotherSeedOthers() {
        assertThat(plan(7, 10).draw(books())).isEqualTo(plan(7, 10).draw(books()));
        assertThat(plan(8, 10).draw(books())).isNotEqualTo(plan(7, 10).draw(books()));
    }

    @Test
    void aQuarterOfTheRefundablePaymentsRoundedUpAndCapped() {
        assertThat(plan(1, 100).draw(books().subList(0, 6))).hasSize(2);
        assertThat(plan(1, 100).draw(books())).hasSize((int) Math.ceil(books().size() / 4.0));
        assertThat(plan(1, 3).draw(books())).hasSize(3);
        assertThat(plan(1, 3).draw(List.of())).isEmpty();
    }

    @Test
    void everyAmountFitsWhatTheBooksLeaveAndEveryRefundHasItsOwnKey() {
        List<RefundSpec> all = new ArrayList<>();
        List<RefundSpec> couldBePartial = new ArrayList<>();
        for (long seed = 0; seed < 200; seed++) {
            List<Refundable> books = books();
            List<RefundSpec> specs = plan(seed, 100).draw(books);
            assertThat(specs).extracting(RefundSpec::paymentId).doesNotHaveDuplicates();
            assertThat(specs).extracting(RefundSpec::idempotencyKey).doesNotHaveDuplicates()
                    .allSatisfy(key -> assertThat(key).startsWith("refund-row-1-"));
            for (RefundSpec spec : specs) {
                Refundable payment = books.stream().filter(p -> p.paymentId().equals(spec.paymentId())).findFirst().orElseThrow();
                if (payment.remaining() >= 2) {
                    couldBePartial.add(spec);
                }
                assertThat(spec.merchant()).as("the payment's own merchant").isEqualTo(payment.merchant());
                if (spec.amount() == null) {
                    assertThat(spec.claims()).as("a refund in full claims all that is left").isEqualTo(payment.remaining());
                } else {
                    assertThat(spec.amount()).as("a partial refund leaves something").isBetween(1L, payment.remaining() - 1);
                    assertThat(spec.claims()).isEqualTo(spec.amount());
                }
            }
            all.addAll(specs);
        }
        // over many draws every kind shows, near the plan's ratios (35% in full where part is possible, 30% resent)
        assertThat(couldBePartial.stream().filter(s -> s.amount() == null).count())
                .isBetween(couldBePartial.size() / 5L, couldBePartial.size() / 2L);
        assertThat(all.stream().filter(s -> s.amount() != null).count()).isPositive();
        assertThat(all.stream().filter(RefundSpec::resend).count()).isBetween(all.size() / 5L, all.size() * 2 / 5L);
        assertThat(all.stream().filter(s -> s.reason() != null).count()).isBetween(all.size() / 3L, all.size() * 2 / 3L);
    }

    @Test
    void theBooksOfferOnlyConfirmedPaymentsWithSomethingLeftAndRefuseAClaimThatDoesNotFit() {
        RefundBook book = new RefundBook();
        book.add("confirmed", 0, 1_000);
        book.add("declined", 1, 1_000);
        book.add("pending", 0, 1_000);
        assertThat(book.refundable()).as("nothing is refundable before its status is seen").isEmpty();
        book.statusSeen("confirmed", "CONFIRMED");
        book.statusSeen("declined", "FAILED");
        book.statusSeen("pending", "PENDING");
        assertThat(book.unchecked()).extracting(Refundable::paymentId).containsExactly("pending");
        assertThat(book.refundable()).extracting(Refundable::paymentId).containsExactly("confirmed");

        book.claim("confirmed", 600);
        assertThat(book.refundable().getFirst().remaining()).isEqualTo(400);
        assertThatThrownBy(() -> book.claim("confirmed", 401))
                .isInstanceOf(IllegalArgumentException.class);
        book.claim("confirmed", 400);
        assertThat(book.refundable()).as("nothing left").isEmpty();
    }
}
