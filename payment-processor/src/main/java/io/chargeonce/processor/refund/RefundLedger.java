package io.chargeonce.processor.refund;

import io.chargeonce.processor.ledger.DueIndex;
import io.chargeonce.processor.reconcile.ReconcileLoop;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The refund ledger of one task: refund id → {@link RefundEntry}, the due index of attempting
 * refunds by next-check time, and payment id → its refund ids. All three are changelogged and
 * written in the EOS transaction, so they commit or roll back together with the outputs.
 *
 * <p>What a payment has reserved is summed from its entries on each request rather than kept as a
 * running total, so it cannot drift: an entry reserves its amount from the moment it is written
 * (attempt 1) until it is FAILED. A payment has few refunds, so the sum reads a handful of entries.
 */
public final class RefundLedger implements ReconcileLoop.Ledger<RefundEntry, RefundEntry.Attempting> {
    public static final String LEDGER_STORE = "refund-ledger";
    public static final String DUE_INDEX_STORE = "refund-ledger-due-index";
    public static final String BY_PAYMENT_STORE = "refund-ledger-by-payment";
    private static final String SEPARATOR = ",";

    private final KeyValueStore<String, RefundEntry> entries;
    private final KeyValueStore<Bytes, String> dueIndex;
    private final KeyValueStore<String, String> byPayment;

    public RefundLedger(KeyValueStore<String, RefundEntry> entries, KeyValueStore<Bytes, String> dueIndex,
                        KeyValueStore<String, String> byPayment) {
        this.entries = entries;
        this.dueIndex = dueIndex;
        this.byPayment = byPayment;
    }

    public static StoreBuilder<KeyValueStore<String, RefundEntry>> ledgerStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEDGER_STORE), Serdes.String(), new RefundEntrySerde());
    }

    public static StoreBuilder<KeyValueStore<Bytes, String>> dueIndexStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DUE_INDEX_STORE), Serdes.Bytes(), Serdes.String());
    }

    /** Payment id → its refund ids, comma-separated (refund ids are UUIDs, never containing one). */
    public static StoreBuilder<KeyValueStore<String, String>> byPaymentStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BY_PAYMENT_STORE), Serdes.String(), Serdes.String());
    }

    @Override
    public Optional<RefundEntry> find(String refundId) {
        return Optional.ofNullable(entries.get(refundId));
    }

    /** Minor units of the payment's refunds that are not FAILED: what may have gone back or may still go. */
    public long reserved(String paymentId) {
        long sum = 0;
        for (String refundId : refundIds(paymentId)) {
            RefundEntry entry = entries.get(refundId);
            if (entry != null && entry.reserves()) {
                sum = Math.addExact(sum, entry.request().amountMinor());
            }
        }
        return sum;
    }

    /** Writes the entry, keeping the due index and the payment's refund list in step with it. */
    @Override
    public void save(RefundEntry entry) {
        RefundEntry previous = entries.get(entry.refundId());
        if (previous instanceof RefundEntry.Attempting attempting) {
            dueIndex.delete(DueIndex.key(attempting.nextCheckAt(), attempting.refundId()));
        }
        if (previous == null) {
            Set<String> ids = refundIds(entry.paymentId());
            ids.add(entry.refundId());
            byPayment.put(entry.paymentId(), String.join(SEPARATOR, ids));
        }
        entries.put(entry.refundId(), entry);
        if (entry instanceof RefundEntry.Attempting attempting) {
            dueIndex.put(DueIndex.key(attempting.nextCheckAt(), attempting.refundId()), attempting.refundId());
        }
    }

    @Override
    public List<RefundEntry.Attempting> dueBy(Instant now, int limit) {
        List<RefundEntry.Attempting> result = new ArrayList<>();
        for (Bytes key : DueIndex.dueKeys(dueIndex, now, limit)) {
            if (entries.get(DueIndex.id(key)) instanceof RefundEntry.Attempting attempting
                    && DueIndex.key(attempting.nextCheckAt(), attempting.refundId()).equals(key)) {
                result.add(attempting);
            } else {
                // Cannot happen through save(); dropping the stray key keeps the scan from finding it forever.
                dueIndex.delete(key);
            }
        }
        return result;
    }

    private Set<String> refundIds(String paymentId) {
        String ids = byPayment.get(paymentId);
        Set<String> result = new LinkedHashSet<>();
        if (ids != null && !ids.isEmpty()) {
            result.addAll(Arrays.asList(ids.split(SEPARATOR)));
        }
        return result;
    }
}
