package io.chargeonce.cli.verify;

import io.chargeonce.cli.verify.History.Payment;
import io.chargeonce.cli.verify.ProviderLedger.Charge;
import io.chargeonce.cli.verify.RefundHistory.Refund;
import io.chargeonce.cli.verify.RefundHistory.Settled;
import io.chargeonce.cli.verify.RefundHistory.StatusEvent;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.RefundStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The refund half of a {@link HistoryVerifier} judgement: payment-api's refunds, the refund topics
 * and the provider's refunds compared with each other and with the payments they return money from.
 * Each violation names the refund and its payment ({@code refund <id> of payment <id>}).
 *
 * <p>The provider's ledger is read before the refunds table, so a refund that settled in between
 * may be SUCCEEDED in the table without its provider refund in the ledger read: that comparison, and
 * every "exactly one" that a read in flight can catch half-way, is judged only once drained. What no
 * timing can explain (two refunds for one refund id, a refund of an unconfirmed payment, more
 * returned than charged, money moved for a FAILED refund) is judged either way.
 */
final class RefundJudgement {

    private final RefundHistory history;
    private final boolean drained;
    private final Map<String, Payment> payments;
    private final Map<String, Charge> charges;
    private final Set<String> deadLetteredKeys;
    private final Map<String, Refund> refunds;
    private final Map<String, List<StatusEvent>> statuses;
    private final Map<String, List<Settled>> results;
    private final Map<String, List<ProviderLedger.Refund>> madeByRefundId;
    private final List<Violation> violations = new ArrayList<>();

    RefundJudgement(History history, boolean drained, Map<String, Payment> payments, Set<String> deadLetteredKeys) {
        this.history = history.refunds();
        this.drained = drained;
        this.payments = payments;
        this.charges = history.charges().stream()
                .collect(Collectors.toMap(Charge::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        this.deadLetteredKeys = deadLetteredKeys;
        this.refunds = this.history.refunds().stream()
                .collect(Collectors.toMap(Refund::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        this.statuses = this.history.statusEvents().stream()
                .sorted(Comparator.comparingInt((StatusEvent e) -> e.at().partition()).thenComparingLong(e -> e.at().offset()))
                .collect(Collectors.groupingBy(StatusEvent::refundId, LinkedHashMap::new, Collectors.toList()));
        this.results = this.history.results().stream()
                .collect(Collectors.groupingBy(Settled::refundId, LinkedHashMap::new, Collectors.toList()));
        this.madeByRefundId = this.history.providerRefunds().stream()
                .collect(Collectors.groupingBy(RefundJudgement::refundIdOf, LinkedHashMap::new, Collectors.toList()));
    }

    List<Violation> violations() {
        violate(Invariant.REFUNDED_TWICE, madeByRefundId.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> name(e.getKey(), paymentOf(e.getValue().getFirst()))));
        violate(Invariant.REFUND_BEFORE_CONFIRM, Stream.concat(
                history.providerRefunds().stream().filter(r -> !fromAConfirmedCharge(r)).map(this::name),
                refunds.values().stream().filter(r -> !confirmed(r.paymentId())).map(RefundJudgement::name)));
        violate(Invariant.REFUND_EXCEEDS_CHARGE, history.providerRefunds().stream()
                .filter(r -> r.chargeId() != null && charges.containsKey(r.chargeId()))
                .collect(Collectors.groupingBy(ProviderLedger.Refund::chargeId, LinkedHashMap::new, Collectors.toList()))
                .entrySet().stream()
                .filter(e -> e.getValue().stream().mapToLong(ProviderLedger.Refund::amount).sum() > charges.get(e.getKey()).amount())
                .flatMap(e -> e.getValue().stream().map(this::name)));
        Set<String> held = refunds.values().stream().map(RefundJudgement::name).collect(Collectors.toSet());
        violate(Invariant.REFUND_WITHOUT_INTENT, Stream.of(
                        history.statusEvents().stream().filter(e -> !deadLetterNotice(e)).map(e -> name(e.refundId(), e.paymentId())),
                        history.results().stream().map(r -> name(r.refundId(), r.paymentId())),
                        history.providerRefunds().stream().map(this::name))
                .flatMap(Function.identity())
                .filter(name -> !held.contains(name)));
        violate(Invariant.REFUND_UNTRUTHFUL, refunds.values().stream().filter(this::untruthful).map(RefundJudgement::name));
        return violations;
    }

    RefundStatistics statistics() {
        Function<RefundStatus, Long> served = s -> refunds.values().stream().filter(r -> r.status() == s).count();
        return new RefundStatistics(refunds.size(), served.apply(RefundStatus.PENDING), served.apply(RefundStatus.SUCCEEDED),
                served.apply(RefundStatus.FAILED), served.apply(RefundStatus.NEEDS_ATTENTION), history.requests().size(),
                history.requests().stream().map(History.Request::identity).distinct().count(), history.results().size(),
                history.abortedResultRecords(), history.providerRefunds().size(),
                madeByRefundId.values().stream().filter(made -> made.size() > 1).count());
    }

    private boolean untruthful(Refund refund) {
        List<StatusEvent> events = statuses.getOrDefault(refund.id(), List.of());
        List<Settled> settled = results.getOrDefault(refund.id(), List.of());
        long underKey = history.providerRefunds().stream().filter(r -> RefundHistory.providerKey(refund.id()).equals(r.idempotencyKey())).count();
        boolean terminal = refund.status() == RefundStatus.SUCCEEDED || refund.status() == RefundStatus.FAILED;
        RefundStatus last = events.isEmpty() ? RefundStatus.PENDING : events.getLast().status();
        if (settled.size() > 1 || !legalOrder(events) || settled.stream().anyMatch(s -> !agrees(s, refund, events))) {
            return true;
        }
        if (refund.status() == RefundStatus.FAILED && madeByRefundId.containsKey(refund.id())) {
            return true;
        }
        if (refund.status() != last && (drained || !StatusOrder.legal(refund.status(), last))) {
            // in flight, an API one legal move behind the topic is catching up; one ahead or aside is wrong
            return true;
        }
        if (!drained) {
            return false;
        }
        return refund.status() == RefundStatus.PENDING
                || (refund.status() == RefundStatus.SUCCEEDED && underKey != 1)
                || (terminal && settled.size() != 1);
    }

    /**
     * A result agrees with its refund's amount and currency, settles as SUCCEEDED or FAILED only, says
     * what the last terminal status event says, and once the API serves a terminal status, says that.
     */
    private boolean agrees(Settled settled, Refund refund, List<StatusEvent> events) {
        RefundStatus lastTerminal = events.stream().map(StatusEvent::status)
                .filter(s -> s == RefundStatus.SUCCEEDED || s == RefundStatus.FAILED)
                .reduce((first, second) -> second).orElse(null);
        boolean servedTerminal = refund.status() == RefundStatus.SUCCEEDED || refund.status() == RefundStatus.FAILED;
        return settled.amountMinor() == refund.amountMinor()
                && Objects.equals(settled.currency(), refund.currency())
                && settled.status() == lastTerminal
                && (!servedTerminal || settled.status() == refund.status())
                && (settled.status() != RefundStatus.SUCCEEDED || refund.providerRefundId() == null
                || refund.providerRefundId().equals(settled.providerRefundId()));
    }

    private static boolean legalOrder(List<StatusEvent> events) {
        return StatusOrder.legalOrder(RefundStatus.PENDING, events.stream().map(StatusEvent::status).toList(),
                StatusOrder::legal);
    }

    private boolean fromAConfirmedCharge(ProviderLedger.Refund refund) {
        Charge charge = refund.chargeId() == null ? null : charges.get(refund.chargeId());
        return charge != null && charge.succeeded() && confirmed(charge.paymentId())
                && (refund.paymentId() == null || refund.paymentId().equals(charge.paymentId()));
    }

    private boolean confirmed(String paymentId) {
        Payment payment = paymentId == null ? null : payments.get(paymentId);
        return payment != null && payment.status() == PaymentStatus.CONFIRMED;
    }

    /** The processor's NEEDS_ATTENTION notice for a refund request it dead-lettered: it stands for a DLT entry, not a refund. */
    private boolean deadLetterNotice(StatusEvent event) {
        return event.status() == RefundStatus.NEEDS_ATTENTION && deadLetteredKeys.contains(event.paymentId());
    }

    /** The refund id a provider refund was made for: its metadata, else its key, else the provider's own id. */
    private static String refundIdOf(ProviderLedger.Refund refund) {
        if (refund.refundId() != null && !refund.refundId().isBlank()) {
            return refund.refundId();
        }
        String prefix = RefundHistory.providerKey("");
        String key = refund.idempotencyKey();
        return key != null && key.startsWith(prefix) ? key.substring(prefix.length()) : "provider:" + refund.id();
    }

    private String paymentOf(ProviderLedger.Refund refund) {
        if (refund.paymentId() != null) {
            return refund.paymentId();
        }
        Charge charge = refund.chargeId() == null ? null : charges.get(refund.chargeId());
        return charge == null ? null : charge.paymentId();
    }

    private String name(ProviderLedger.Refund refund) {
        return name(refundIdOf(refund), paymentOf(refund));
    }

    private static String name(Refund refund) {
        return name(refund.id(), refund.paymentId());
    }

    private static String name(String refundId, String paymentId) {
        return "refund " + refundId + " of payment " + paymentId;
    }

    private void violate(Invariant invariant, Stream<String> ids) {
        Violation.of(invariant, ids).ifPresent(violations::add);
    }
}
