package io.chargeonce.processor;

import io.chargeonce.events.PaymentStatus;
import io.chargeonce.processor.gateway.ChargeOutcome;
import io.chargeonce.processor.ledger.LedgerEntry;
import io.chargeonce.processor.support.FakeGateway;
import io.chargeonce.processor.support.MutableClock;
import io.chargeonce.processor.support.TopologyHarness;
import io.chargeonce.processor.support.TopologyTestBase;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static io.chargeonce.processor.support.SampleRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crash after the attempt was committed but before its outcome: the next owner of the task
 * restores an ATTEMPTING entry and must re-drive it with the same key, while the outcome of the
 * old instance's call, arriving late, must change nothing.
 *
 * <p>{@code TopologyTestDriver} wipes its state directory on close, so the restart restores the
 * ledger the way a changelog restore would: by writing the committed entry into the new driver's store.
 */
class RestartTopologyTest extends TopologyTestBase {

    @Test
    void attemptingEntryIsReDrivenWithTheSameKeyAfterARestart() {
        MutableClock clock = new MutableClock(TopologyHarness.START);
        FakeGateway oldProvider = new FakeGateway();
        TopologyHarness before = start(UnaryOperator.identity(), clock, oldProvider);
        before.send(request("pay-r"));
        FakeGateway.Call lostCall = oldProvider.last();
        LedgerEntry committed = before.entry("pay-r");
        assertThat(committed).isInstanceOf(LedgerEntry.Attempting.class);

        FakeGateway newProvider = new FakeGateway();
        TopologyHarness after = start(UnaryOperator.identity(), clock, newProvider);
        after.ledger().save(committed);
        // The old instance's call answers after it closed: dropped, never applied.
        lostCall.answer(new ChargeOutcome.Succeeded("ch_old_instance"));

        // Nothing happens before the attempt's deadline: the old call might still answer.
        after.tick();
        assertThat(newProvider.calls()).isEmpty();

        after.advance(after.config.callDeadline());
        assertThat(newProvider.last().kind()).isEqualTo("lookup");
        assertThat(newProvider.last().idempotencyKey()).isEqualTo("chargeonce-pay-r");
        newProvider.last().answer(new ChargeOutcome.NotFound());
        after.tick();
        assertThat(newProvider.last().kind()).isEqualTo("charge");
        assertThat(newProvider.last().idempotencyKey()).isEqualTo("chargeonce-pay-r");
        newProvider.last().answer(new ChargeOutcome.Succeeded("ch_r"));
        after.tick();

        assertThat(after.confirmations()).singleElement().satisfies(result -> {
            assertThat(result.getProviderChargeId()).isEqualTo("ch_r");
            assertThat(result.getAttempts()).isEqualTo(2);
        });
        assertThat(after.statuses()).extracting(s -> s.value().getStatus()).containsExactly(PaymentStatus.CONFIRMED);
        assertThat(after.entry("pay-r")).isInstanceOf(LedgerEntry.Confirmed.class);
    }
}
