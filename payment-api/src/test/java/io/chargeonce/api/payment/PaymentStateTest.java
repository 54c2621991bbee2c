package io.chargeonce.api.payment;

import io.chargeonce.events.PaymentStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class PaymentStateTest {

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "PENDING, PENDING, true",
            "PENDING, CONFIRMED, true",
            "PENDING, FAILED, true",
            "PENDING, NEEDS_ATTENTION, true",
            "NEEDS_ATTENTION, CONFIRMED, true",
            "NEEDS_ATTENTION, FAILED, true",
            "NEEDS_ATTENTION, NEEDS_ATTENTION, true",
            "NEEDS_ATTENTION, PENDING, true",
            "CONFIRMED, PENDING, false",
            "CONFIRMED, FAILED, false",
            "CONFIRMED, NEEDS_ATTENTION, false",
            "CONFIRMED, CONFIRMED, false",
            "FAILED, PENDING, false",
            "FAILED, CONFIRMED, false",
            "FAILED, NEEDS_ATTENTION, false",
            "FAILED, FAILED, false",
    })
    void movesOnlyWhereTheLifecycleAllows(PaymentState from, PaymentState to, boolean legal) {
        assertThat(from.canMoveTo(to)).isEqualTo(legal);
    }

    @Test
    void onlyConfirmedAndFailedAreTerminal() {
        assertThat(PaymentState.values()).filteredOn(PaymentState::isTerminal)
                .containsExactlyInAnyOrder(PaymentState.CONFIRMED, PaymentState.FAILED);
    }

    @ParameterizedTest
    @EnumSource(PaymentStatus.class)
    void everyStatusOnTheTopicHasAState(PaymentStatus status) {
        assertThat(PaymentState.of(status).name()).isEqualTo(status.name());
    }
}
