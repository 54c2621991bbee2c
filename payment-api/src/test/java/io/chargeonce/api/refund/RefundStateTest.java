package io.chargeonce.api.refund;

import io.chargeonce.events.RefundStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class RefundStateTest {

    @ParameterizedTest
    @EnumSource(RefundState.class)
    void pendingAndNeedsAttentionMayMoveAnywhere(RefundState next) {
        assertThat(RefundState.PENDING.canMoveTo(next)).isTrue();
        assertThat(RefundState.NEEDS_ATTENTION.canMoveTo(next)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(RefundState.class)
    void succeededAndFailedAreTerminal(RefundState next) {
        assertThat(RefundState.SUCCEEDED.canMoveTo(next)).isFalse();
        assertThat(RefundState.FAILED.canMoveTo(next)).isFalse();
        assertThat(RefundState.SUCCEEDED.isTerminal()).isTrue();
        assertThat(RefundState.FAILED.isTerminal()).isTrue();
    }

    @Test
    void onlyAFailedRefundGivesItsAmountBack() {
        assertThat(RefundState.FAILED.holdsAmount()).isFalse();
        assertThat(RefundState.PENDING.holdsAmount()).isTrue();
        assertThat(RefundState.SUCCEEDED.holdsAmount()).isTrue();
        assertThat(RefundState.NEEDS_ATTENTION.holdsAmount()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(RefundStatus.class)
    void everyStatusOnTheTopicNamesTheStateOfTheSameName(RefundStatus status) {
        assertThat(RefundState.of(status).name()).isEqualTo(status.name());
    }
}
