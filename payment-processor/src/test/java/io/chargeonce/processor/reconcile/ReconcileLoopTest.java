package io.chargeonce.processor.reconcile;

import io.chargeonce.processor.gateway.ChargeOutcome;
import io.chargeonce.processor.ledger.ChargeRequest;
import io.chargeonce.processor.ledger.LedgerEntry;
import io.chargeonce.processor.ledger.LedgerState;
import io.chargeonce.processor.ledger.Origin;
import io.chargeonce.processor.support.MutableClock;
import io.chargeonce.processor.support.SampleRequests;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared loop on its own, with the charging policy, an in-memory ledger and an owner that
 * records what it is told: the order it keeps (save, then call), which outcomes it applies and
 * which it drops, and how it re-drives what is due.
 */
class ReconcileLoopTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(2);

    private final MutableClock clock = new MutableClock(T0);
    private final Reconciler policy = new Reconciler(new RetryLimits(3, Duration.ofHours(24), DEADLINE,
            new Backoff(Duration.ofMillis(100), Duration.ofMillis(100), new SplittableRandom(1))));
    private final MapLedger ledger = new MapLedger();
    private final RecordingOwner owner = new RecordingOwner();
    private final ReconcileLoop<LedgerEntry, LedgerEntry.Attempting, CallKind, ChargeOutcome> loop = new ReconcileLoop<>(
            LedgerEntry.Attempting.class, ledger, policy, owner,
            new InFlightCalls<>("test payments", ChargeOutcome.Unknown::new), clock, 10);

    @Test
    void savesTheAttemptBeforeCallingAndSettlesOnTheCurrentAttemptsAnswer() {
        loop.execute(policy.begin(request("pay-1"), clock.instant()));
        assertThat(owner.events).containsExactly("call CHARGE pay-1 attempt 1 (ledger: ATTEMPTING attempt 1)");

        owner.answer(0, new ChargeOutcome.Succeeded("ch_1"));
        loop.tick();

        assertThat(owner.events).containsSubsequence("finished charge Succeeded", "applying charge pay-1 attempt 1",
                "settled pay-1 CONFIRMED");
        assertThat(ledger.find("pay-1")).get().isInstanceOf(LedgerEntry.Confirmed.class);
    }

    @Test
    void dropsAnAnswerTheLedgerHasMovedPast() {
        loop.execute(policy.begin(request("pay-2"), clock.instant()));
        LedgerEntry.Attempting first = (LedgerEntry.Attempting) ledger.find("pay-2").orElseThrow();
        ledger.save(first.escalate("a person decided", clock.instant()));

        owner.answer(0, new ChargeOutcome.Succeeded("ch_2"));
        loop.tick();

        assertThat(owner.events).contains("finished charge Succeeded", "ignored charge pay-2 attempt 1 (ledger: NEEDS_ATTENTION)")
                .noneMatch(event -> event.startsWith("applying") || event.startsWith("settled"));
        assertThat(ledger.find("pay-2")).get().isInstanceOf(LedgerEntry.NeedsAttention.class);
    }

    @Test
    void presumesACallStillInFlightPastItsDeadlineLostAndNeverAppliesItsLateAnswer() {
        loop.execute(policy.begin(request("pay-3"), clock.instant()));
        clock.advance(DEADLINE);
        loop.tick();

        assertThat(owner.events).contains("waiting pay-3 attempt 1: attempt 1: no outcome within 2000 ms")
                .noneMatch(event -> event.startsWith("due"));

        owner.answer(0, new ChargeOutcome.Succeeded("ch_3"));
        loop.tick();
        assertThat(owner.events).noneMatch(event -> event.startsWith("finished") || event.startsWith("settled"));
        assertThat(ledger.find("pay-3")).get().isInstanceOf(LedgerEntry.Attempting.class);
    }

    @Test
    void reDrivesADueEntryWithNoCallInFlightByLookingItsKeyUp() {
        loop.execute(policy.begin(request("pay-4"), clock.instant()));
        owner.answer(0, new ChargeOutcome.Unknown("provider answered 503"));
        loop.tick();
        assertThat(owner.events).contains("waiting pay-4 attempt 1: attempt 1: provider answered 503");

        clock.advance(Duration.ofSeconds(1));
        loop.tick();

        assertThat(owner.events).containsSubsequence("due pay-4 attempt 1",
                "call LOOKUP pay-4 attempt 2 (ledger: ATTEMPTING attempt 2)");
    }

    private static ChargeRequest request(String paymentId) {
        return ChargeRequest.of(SampleRequests.request(paymentId), new Origin("payments", 0, 0, 0), null, 0);
    }

    /** A ledger in a map; due entries by next check, like the store-backed ones. */
    private static final class MapLedger implements ReconcileLoop.Ledger<LedgerEntry, LedgerEntry.Attempting> {
        private final Map<String, LedgerEntry> entries = new HashMap<>();

        @Override
        public Optional<LedgerEntry> find(String subject) {
            return Optional.ofNullable(entries.get(subject));
        }

        @Override
        public void save(LedgerEntry entry) {
            entries.put(entry.paymentId(), entry);
        }

        @Override
        public List<LedgerEntry.Attempting> dueBy(Instant now, int limit) {
            return entries.values().stream()
                    .flatMap(entry -> entry instanceof LedgerEntry.Attempting a && !a.nextCheckAt().isAfter(now)
                            ? java.util.stream.Stream.of(a) : java.util.stream.Stream.empty())
                    .sorted(Comparator.comparing(LedgerEntry.Attempting::nextCheckAt)).limit(limit).toList();
        }
    }

    /** Writes down each turn of the loop; the provider's answers are completed by the test. */
    private final class RecordingOwner implements ReconcileLoop.Owner<LedgerEntry, LedgerEntry.Attempting, CallKind, ChargeOutcome> {
        final List<String> events = new ArrayList<>();
        final List<CompletableFuture<ChargeOutcome>> calls = new ArrayList<>();

        void answer(int call, ChargeOutcome outcome) {
            calls.get(call).complete(outcome);
        }

        @Override
        public CompletableFuture<ChargeOutcome> call(LedgerEntry.Attempting entry, CallKind call) {
            LedgerEntry saved = ledger.find(entry.paymentId()).orElseThrow();
            events.add("call " + call + " " + entry.paymentId() + " attempt " + entry.attempt()
                    + " (ledger: " + saved.state() + " attempt " + saved.attempt() + ")");
            CompletableFuture<ChargeOutcome> future = new CompletableFuture<>();
            calls.add(future);
            return future;
        }

        @Override
        public void finished(String kind, ChargeOutcome outcome) {
            events.add("finished " + kind + " " + outcome.getClass().getSimpleName());
        }

        @Override
        public void ignored(InFlightCalls.Call<CallKind> call, String kind, ChargeOutcome outcome, LedgerEntry entry) {
            events.add("ignored " + kind + " " + call.subject() + " attempt " + call.attempt() + " (ledger: "
                    + (entry == null ? "missing" : entry.state()) + ")");
        }

        @Override
        public void applying(InFlightCalls.Call<CallKind> call, String kind, ChargeOutcome outcome) {
            events.add("applying " + kind + " " + call.subject() + " attempt " + call.attempt());
        }

        @Override
        public void due(LedgerEntry.Attempting entry) {
            events.add("due " + entry.paymentId() + " attempt " + entry.attempt());
        }

        @Override
        public void waiting(LedgerEntry.Attempting entry, Instant now) {
            events.add("waiting " + entry.paymentId() + " attempt " + entry.attempt() + ": " + entry.lastUnknown());
        }

        @Override
        public void settled(Step.Decide<LedgerEntry, LedgerEntry.Attempting, CallKind> decide, Instant now) {
            LedgerState state = decide.next().state();
            events.add("settled " + decide.next().paymentId() + " " + state);
        }
    }
}
