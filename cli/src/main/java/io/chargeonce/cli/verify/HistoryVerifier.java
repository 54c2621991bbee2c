package io.chargeonce.cli.verify;

import io.chargeonce.cli.verify.History.Coordinates;
import io.chargeonce.cli.verify.History.DeadLetterRecord;
import io.chargeonce.cli.verify.History.Outcome;
import io.chargeonce.cli.verify.History.Payment;
import io.chargeonce.cli.verify.History.Request;
import io.chargeonce.cli.verify.History.Result;
import io.chargeonce.cli.verify.History.StatusEvent;
import io.chargeonce.cli.verify.ProviderLedger.Charge;
import io.chargeonce.events.PaymentStatus;

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
 * Checks every {@link Invariant} over a complete {@link History} and names the payments that break
 * each one, the way Jepsen's checkers judge a history rather than a single response. It trusts no
 * single part: the API's table, the topics and the provider's ledger are compared with each other.
 *
 * <p>Whether a PENDING payment is slow or stuck is the caller's statement ({@link Backlog}): with
 * {@link Backlog#DRAINED} it is a violation; with {@link Backlog#IN_FLIGHT} it is tolerated, and so
 * is an API that lags the status topic by a legal move. Everything else is judged the same either way.
 *
 * <p>Refunds are judged by {@link RefundJudgement} over the same history, against the same payments.
 *
 * <p>A NEEDS_ATTENTION payment with a succeeded charge is not a violation: the system said, visibly,
 * that a person must decide (e.g. a re-drive past the provider's idempotency window), which is the
 * opposite of silence.
 */
public final class HistoryVerifier {

    private final Backlog backlog;

    public HistoryVerifier(Backlog backlog) {
        this.backlog = Objects.requireNonNull(backlog, "backlog");
    }

    public Verdict verify(History history) {
        return new Judgement(history, backlog).verdict();
    }

    /** One verification: the history indexed by payment id, then each invariant in turn. */
    private static final class Judgement {
        private final History history;
        private final boolean drained;
        private final Map<String, Payment> payments;
        private final Map<String, List<Result>> results;
        private final Map<String, List<StatusEvent>> statuses;
        private final Map<String, Long> succeeded;
        private final Set<String> deadLetteredKeys;
        private final List<Violation> violations = new ArrayList<>();

        Judgement(History history, Backlog backlog) {
            this.history = history;
            this.drained = backlog == Backlog.DRAINED;
            this.payments = history.payments().stream()
                    .collect(Collectors.toMap(Payment::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
            this.results = history.results().stream().collect(Collectors.groupingBy(Result::paymentId));
            this.statuses = history.statusEvents().stream()
                    .sorted(Comparator.comparingInt((StatusEvent e) -> e.at().partition()).thenComparingLong(e -> e.at().offset()))
                    .collect(Collectors.groupingBy(StatusEvent::paymentId, LinkedHashMap::new, Collectors.toList()));
            this.succeeded = history.charges().stream().filter(Charge::succeeded).filter(c -> c.paymentId() != null)
                    .collect(Collectors.groupingBy(Charge::paymentId, Collectors.counting()));
            this.deadLetteredKeys = history.deadLetters().stream().map(DeadLetterRecord::paymentId)
                    .filter(Objects::nonNull).collect(Collectors.toSet());
        }

        Verdict verdict() {
            List<String> lost = payments.values().stream()
                    .filter(p -> resultsOf(p.id()).isEmpty())
                    .filter(p -> p.status() != PaymentStatus.NEEDS_ATTENTION)
                    .filter(p -> p.status() != PaymentStatus.PENDING || drained)
                    .map(Payment::id).toList();
            violate(Invariant.MISSING_RESULT, lost.stream());
            violate(Invariant.DUPLICATE_RESULT, results.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey));
            violate(Invariant.CHARGED_TWICE, succeeded.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey));
            violate(Invariant.RESULT_WITHOUT_INTENT, Stream.of(
                    history.results().stream().map(Result::paymentId),
                    history.statusEvents().stream().filter(e -> !deadLetterNotice(e)).map(StatusEvent::paymentId),
                    history.charges().stream().map(c -> c.paymentId() == null ? "charge:" + c.id() : c.paymentId()))
                    .flatMap(Function.identity()).filter(id -> !payments.containsKey(id)));
            violate(Invariant.STATUS_MISMATCH, payments.values().stream().filter(this::servesAnotherStatus).map(Payment::id));
            violate(Invariant.ILLEGAL_ORDER, statuses.entrySet().stream().filter(e -> !legalOrder(e.getValue())).map(Map.Entry::getKey));
            violate(Invariant.RESULT_DISAGREES_WITH_STATUS, results.keySet().stream().filter(this::resultContradictsStatus));
            violate(Invariant.CONFIRMED_NOT_CHARGED_ONCE, results.keySet().stream()
                    .filter(id -> has(id, Outcome.CONFIRMED) && charges(id) != 1));
            violate(Invariant.FAILED_BUT_CHARGED, results.keySet().stream()
                    .filter(id -> has(id, Outcome.FAILED) && charges(id) > 0));
            violate(Invariant.CHARGED_NOT_CONFIRMED, succeeded.keySet().stream()
                    .filter(id -> resultsOf(id).isEmpty() && !needsAttention(id) && judgeable(id)));
            violate(Invariant.INPUT_UNACCOUNTED, unaccountedInput());
            violate(Invariant.UNREADABLE_EVENT, history.unreadable().stream()
                    .map(u -> u.key() != null ? u.key() : u.at().toString()));
            RefundJudgement refunds = new RefundJudgement(history, drained, payments, deadLetteredKeys);
            violations.addAll(refunds.violations());
            return new Verdict(drained ? Backlog.DRAINED : Backlog.IN_FLIGHT, statistics(lost.size(), refunds.statistics()),
                    violations);
        }

        /**
         * The processor's NEEDS_ATTENTION notice for a request it dead-lettered: it names the record's
         * key so a real payment whose request was poison shows up in the API, and for a key that is no
         * payment the API ignores it. It stands for an input on a DLT, not for a payment, so it needs no intent.
         */
        private boolean deadLetterNotice(StatusEvent event) {
            return event.status() == PaymentStatus.NEEDS_ATTENTION && deadLetteredKeys.contains(event.paymentId());
        }

        /** The API's status against the last status event (PENDING if none: the state a payment is born in). */
        private boolean servesAnotherStatus(Payment payment) {
            List<StatusEvent> events = statuses.getOrDefault(payment.id(), List.of());
            PaymentStatus last = events.isEmpty() ? PaymentStatus.PENDING : events.getLast().status();
            if (payment.status() == last) {
                return false;
            }
            // in flight, an API one legal move behind the topic is catching up; one ahead or aside is wrong
            return drained || !StatusOrder.legal(payment.status(), last);
        }

        private static boolean legalOrder(List<StatusEvent> events) {
            return StatusOrder.legalOrder(PaymentStatus.PENDING, events.stream().map(StatusEvent::status).toList(),
                    StatusOrder::legal);
        }

        private boolean resultContradictsStatus(String paymentId) {
            PaymentStatus lastTerminal = statuses.getOrDefault(paymentId, List.of()).stream().map(StatusEvent::status)
                    .filter(s -> s == PaymentStatus.CONFIRMED || s == PaymentStatus.FAILED)
                    .reduce((first, second) -> second).orElse(null);
            return resultsOf(paymentId).stream().anyMatch(r -> r.outcome().status() != lastTerminal);
        }

        /** Distinct request events that reached no result, no NEEDS_ATTENTION and no dead-letter topic. */
        private Stream<String> unaccountedInput() {
            Set<String> deadEvents = history.deadLetters().stream().map(DeadLetterRecord::eventId)
                    .filter(Objects::nonNull).collect(Collectors.toSet());
            Set<Coordinates> deadOrigins = history.deadLetters().stream().map(DeadLetterRecord::origin)
                    .filter(Objects::nonNull).collect(Collectors.toSet());
            Map<String, List<Request>> byEvent = history.requests().stream()
                    .collect(Collectors.groupingBy(Request::identity, LinkedHashMap::new, Collectors.toList()));
            return byEvent.values().stream().filter(copies -> {
                Request first = copies.getFirst();
                String paymentId = first.paymentId();
                boolean deadLettered = (first.eventId() != null && deadEvents.contains(first.eventId()))
                        || copies.stream().anyMatch(r -> deadOrigins.contains(r.at()));
                boolean settled = paymentId != null && (!resultsOf(paymentId).isEmpty() || needsAttention(paymentId));
                return !deadLettered && !settled && (paymentId == null ? drained : judgeable(paymentId));
            }).map(copies -> copies.getFirst().paymentId() != null ? copies.getFirst().paymentId() : copies.getFirst().identity());
        }

        /** Whether a payment without an outcome may be called wrong: always once drained, else only if the API settled it. */
        private boolean judgeable(String paymentId) {
            Payment payment = payments.get(paymentId);
            return drained || (payment != null && payment.status() != PaymentStatus.PENDING);
        }

        private boolean needsAttention(String paymentId) {
            Payment payment = payments.get(paymentId);
            List<StatusEvent> events = statuses.getOrDefault(paymentId, List.of());
            return (payment != null && payment.status() == PaymentStatus.NEEDS_ATTENTION)
                    || (!events.isEmpty() && events.getLast().status() == PaymentStatus.NEEDS_ATTENTION);
        }

        private List<Result> resultsOf(String paymentId) {
            return results.getOrDefault(paymentId, List.of());
        }

        private boolean has(String paymentId, Outcome outcome) {
            return resultsOf(paymentId).stream().anyMatch(r -> r.outcome() == outcome);
        }

        private long charges(String paymentId) {
            return succeeded.getOrDefault(paymentId, 0L);
        }

        private void violate(Invariant invariant, Stream<String> paymentIds) {
            Violation.of(invariant, paymentIds).ifPresent(violations::add);
        }

        private Statistics statistics(long lost, RefundStatistics refunds) {
            Function<PaymentStatus, Long> served = s -> payments.values().stream().filter(p -> p.status() == s).count();
            Function<Outcome, Long> resultRecords = o -> history.results().stream().filter(r -> r.outcome() == o).count();
            long distinctEvents = history.requests().stream().map(Request::identity).distinct().count();
            long charged = history.charges().stream().filter(Charge::succeeded).count();
            return new Statistics(payments.size(), served.apply(PaymentStatus.PENDING), served.apply(PaymentStatus.CONFIRMED),
                    served.apply(PaymentStatus.FAILED), served.apply(PaymentStatus.NEEDS_ATTENTION),
                    history.requests().size(), distinctEvents,
                    resultRecords.apply(Outcome.CONFIRMED), resultRecords.apply(Outcome.FAILED),
                    history.deadLetters().size(), history.abortedResultRecords(),
                    charged, history.charges().size() - charged, history.providerReplays(),
                    succeeded.values().stream().filter(n -> n > 1).count(), lost, refunds);
        }
    }
}
