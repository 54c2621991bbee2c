package io.chargeonce.cli.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The merchants' books over a run of several loads against one system: which payments were
 * accepted, which the API showed CONFIRMED, and how much of each the refunds already asked for.
 * A payment refunded in one load can be refunded again (partially) in a later one, so the amounts
 * live here rather than in a single {@link RefundRun}. Thread-safe.
 */
public final class RefundBook {

    /** Payment statuses that never change without an operator: checked once, then remembered. */
    private static final List<String> SETTLED = List.of("CONFIRMED", "FAILED", "NEEDS_ATTENTION");

    private final Map<String, Entry> payments = new LinkedHashMap<>();

    private static final class Entry {
        final int merchant;
        final long amount;
        long claimed;
        String status;

        Entry(int merchant, long amount) {
            this.merchant = merchant;
            this.amount = amount;
        }
    }

    /** Remembers every accepted payment of a finished load; refunds may pick them from the next load on. */
    public synchronized void addAccepted(List<PaymentOutcome> outcomes) {
        for (PaymentOutcome outcome : outcomes) {
            if (outcome.accepted()) {
                add(outcome.paymentId(), outcome.spec().merchant(), outcome.spec().amount());
            }
        }
    }

    /** Remembers one accepted payment of {@code amount} minor units, made by merchant {@code merchant}. */
    public synchronized void add(String paymentId, int merchant, long amount) {
        payments.putIfAbsent(paymentId, new Entry(merchant, amount));
    }

    public synchronized int size() {
        return payments.size();
    }

    /** Payments whose settled status has not been read through the API yet. */
    synchronized List<Refundable> unchecked() {
        return payments.entrySet().stream().filter(e -> e.getValue().status == null).map(RefundBook::view).toList();
    }

    /** Records a status the API served; only a settled one is remembered (a PENDING one is asked again next time). */
    synchronized void statusSeen(String paymentId, String status) {
        if (SETTLED.contains(status)) {
            payments.get(paymentId).status = status;
        }
    }

    /** CONFIRMED payments with something left to refund, in the order they were accepted. */
    public synchronized List<Refundable> refundable() {
        return payments.entrySet().stream()
                .filter(e -> "CONFIRMED".equals(e.getValue().status) && e.getValue().claimed < e.getValue().amount)
                .map(RefundBook::view).toList();
    }

    /** Counts a refund as asked for before it is sent: its amount is never offered to another refund. */
    synchronized void claim(String paymentId, long amount) {
        Entry entry = payments.get(paymentId);
        if (amount <= 0 || entry.claimed + amount > entry.amount) {
            throw new IllegalArgumentException("refund of " + amount + " does not fit payment " + paymentId + " ("
                    + (entry.amount - entry.claimed) + " left)");
        }
        entry.claimed += amount;
    }

    private static Refundable view(Map.Entry<String, Entry> e) {
        return new Refundable(e.getKey(), e.getValue().merchant, e.getValue().amount, e.getValue().claimed);
    }
}
