package io.chargeonce.processor.gateway;

import io.chargeonce.sandbox.ProviderCharge;
import io.chargeonce.sandbox.ProviderFaults;
import io.chargeonce.sandbox.ProviderSimulator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP adapter against the sandbox's provider simulator (a real HTTP server with Stripe's
 * idempotency semantics), on a port of its own: every answer the provider can give maps to the
 * outcome the ledger needs, and nothing the adapter does charges twice.
 */
class HttpPaymentGatewayTest {
    /** Generous: these tests are about what the provider says, not how fast, on a busy 2-core machine. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static ProviderSimulator provider;
    private static HttpPaymentGateway gateway;

    @BeforeAll
    static void startProvider() throws IOException {
        provider = ProviderSimulator.start(0);
        gateway = new HttpPaymentGateway(URI.create(provider.url()), TIMEOUT);
    }

    @AfterAll
    static void stopProvider() {
        gateway.close();
        provider.close();
    }

    @BeforeEach
    void reset() {
        provider.reset();
    }

    private static ChargeCommand command(String paymentId, String customer, long amount) {
        return new ChargeCommand(IdempotencyKeys.forPayment(paymentId), paymentId, "merchant-7", customer, amount, "USD");
    }

    private static ChargeOutcome await(CompletableFuture<ChargeOutcome> call) {
        return call.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    @Test
    void successIsTheChargeIdAndARepeatIsTheSameCharge() {
        ChargeOutcome first = await(gateway.charge(command("pay-g1", "cus_g1", 500)));
        ChargeOutcome again = await(gateway.charge(command("pay-g1", "cus_g1", 500)));

        assertThat(first).isInstanceOf(ChargeOutcome.Succeeded.class).isEqualTo(again);
        assertThat(provider.ledger()).singleElement().satisfies(charge -> {
            assertThat(charge.idempotencyKey()).isEqualTo("chargeonce-pay-g1");
            assertThat(charge.paymentId()).isEqualTo("pay-g1");
            assertThat(charge.currency()).isEqualTo("usd");
            assertThat(charge.id()).isEqualTo(((ChargeOutcome.Succeeded) first).chargeId());
        });
    }

    @Test
    void declineCarriesTheDeclineCodeAndLookupAgrees() {
        ChargeOutcome declined = await(gateway.charge(command("pay-g2", "cus_decline_insufficient_funds", 500)));
        ChargeOutcome lookedUp = await(gateway.lookup("chargeonce-pay-g2"));

        assertThat(declined).isEqualTo(new ChargeOutcome.Declined("insufficient_funds", "Your card was declined."));
        assertThat(lookedUp).isEqualTo(declined);
    }

    @Test
    void sameKeyWithOtherParametersIsRejectedAsAnIdempotencyError() {
        await(gateway.charge(command("pay-g3", "cus_g3", 500)));
        ChargeOutcome conflict = await(gateway.charge(command("pay-g3", "cus_g3", 999)));

        assertThat(conflict).isInstanceOfSatisfying(ChargeOutcome.Rejected.class,
                rejected -> assertThat(rejected.code()).isEqualTo("idempotency_error"));
        assertThat(provider.ledger()).hasSize(1);
    }

    @Test
    void lookupOfAKeyNeverChargedIsNotFound() {
        assertThat(await(gateway.lookup("chargeonce-pay-never"))).isInstanceOf(ChargeOutcome.NotFound.class);
    }

    @Test
    void droppedResponseIsUnknownAndTheLookupFindsTheCharge() {
        provider.setFaults(ProviderFaults.none().withDropResponseRate(1.0));
        ChargeOutcome dropped = await(gateway.charge(command("pay-g4", "cus_g4", 500)));
        provider.setFaults(ProviderFaults.none());
        ChargeOutcome found = await(gateway.lookup("chargeonce-pay-g4"));

        assertThat(dropped).isInstanceOf(ChargeOutcome.Unknown.class);
        assertThat(found).isEqualTo(new ChargeOutcome.Succeeded(provider.ledger().getFirst().id()));
        assertThat(provider.ledger()).extracting(ProviderCharge::idempotencyKey).containsExactly("chargeonce-pay-g4");
    }

    @Test
    void serverErrorIsUnknownAndNothingIsCharged() {
        provider.setFaults(ProviderFaults.none().withServerErrorRate(1.0));

        assertThat(await(gateway.charge(command("pay-g5", "cus_g5", 500))))
                .isInstanceOfSatisfying(ChargeOutcome.Unknown.class, unknown -> assertThat(unknown.reason()).startsWith("provider answered 50"));
        assertThat(provider.ledger()).isEmpty();
    }

    @Test
    void slowProviderIsUnknownAfterTheTimeoutAndTheRepeatIsAnsweredFromTheKey() {
        // Held far past the short timeout; setting faults again releases the held request.
        provider.setFaults(ProviderFaults.none().withLatency(Duration.ofSeconds(30).toMillis(), 0));
        ChargeOutcome slow;
        try (HttpPaymentGateway impatient = new HttpPaymentGateway(URI.create(provider.url()), Duration.ofMillis(200))) {
            slow = await(impatient.charge(command("pay-g6", "cus_g6", 500)));
        }
        provider.setFaults(ProviderFaults.none());
        Awaitility.await().atMost(WAIT).until(() -> provider.ledger().size() == 1);
        ChargeOutcome settled = await(gateway.charge(command("pay-g6", "cus_g6", 500)));

        assertThat(slow).isEqualTo(new ChargeOutcome.Unknown("no answer from the provider in time"));
        assertThat(settled).isEqualTo(new ChargeOutcome.Succeeded(provider.ledger().getFirst().id()));
        assertThat(provider.ledger()).hasSize(1);
    }

    @Test
    void unreachableProviderIsUnknown() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (HttpPaymentGateway nowhere = new HttpPaymentGateway(URI.create("http://127.0.0.1:" + closedPort), TIMEOUT)) {
            assertThat(await(nowhere.charge(command("pay-g7", "cus_g7", 500)))).isInstanceOf(ChargeOutcome.Unknown.class);
            assertThat(await(nowhere.lookup("chargeonce-pay-g7"))).isInstanceOf(ChargeOutcome.Unknown.class);
        }
    }

    @Test
    void refundAgainstTheSimulatorIsMadeOnceUnderItsKeyAndRefusalsAreStoredAnswers() {
        ChargeOutcome.Succeeded charge = (ChargeOutcome.Succeeded) await(gateway.charge(command("pay-g9", "cus_g9", 500)));
        RefundCommand refund = new RefundCommand(IdempotencyKeys.forRefund("rf-g9"), "rf-g9", "pay-g9", "merchant-7",
                charge.chargeId(), 300, "USD", "requested_by_customer");

        RefundOutcome first = awaitRefund(gateway.refund(refund, null));
        RefundOutcome again = awaitRefund(gateway.refund(refund, null));
        RefundOutcome lookedUp = awaitRefund(gateway.lookupRefund(refund.idempotencyKey(), null));
        RefundCommand tooMuch = new RefundCommand(IdempotencyKeys.forRefund("rf-g9b"), "rf-g9b", "pay-g9", "merchant-7",
                charge.chargeId(), 300, "USD", null);
        RefundOutcome refused = awaitRefund(gateway.refund(tooMuch, null));

        assertThat(first).isInstanceOf(RefundOutcome.Succeeded.class).isEqualTo(again).isEqualTo(lookedUp);
        assertThat(refused).isInstanceOfSatisfying(RefundOutcome.Refused.class,
                r -> assertThat(r.code()).isEqualTo("amount_too_large"));
        assertThat(awaitRefund(gateway.lookupRefund(tooMuch.idempotencyKey(), null))).isInstanceOfSatisfying(
                RefundOutcome.Refused.class, r -> assertThat(r.code()).isEqualTo("amount_too_large"));
        assertThat(awaitRefund(gateway.lookupRefund(IdempotencyKeys.forRefund("rf-never"), null))).isEqualTo(new RefundOutcome.NotFound());
        assertThat(provider.refunds()).singleElement().satisfies(made -> {
            assertThat(made.idempotencyKey()).isEqualTo("chargeonce-refund-rf-g9");
            assertThat(made.refundId()).isEqualTo("rf-g9");
            assertThat(made.amount()).isEqualTo(300);
            assertThat(made.id()).isEqualTo(((RefundOutcome.Succeeded) first).providerRefundId());
        });
    }

    private static RefundOutcome awaitRefund(CompletableFuture<RefundOutcome> call) {
        return call.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }
}
