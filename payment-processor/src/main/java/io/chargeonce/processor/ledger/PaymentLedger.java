package io.chargeonce.processor.ledger;

import io.chargeonce.processor.reconcile.ReconcileLoop;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The payment ledger of one task: payment id → {@link LedgerEntry}, plus the due index of
 * attempting entries by next-check time. Both stores are changelogged, so within the EOS
 * transaction an entry and its index key commit or roll back together.
 *
 * <p>Writes go through {@link #save} only, which keeps the index in step with the entries: an
 * attempting entry has exactly one index key (its next-check time), a terminal one has none.
 */
public final class PaymentLedger implements ReconcileLoop.Ledger<LedgerEntry, LedgerEntry.Attempting> {
    public static final String LEDGER_STORE = "payment-ledger";
    public static final String DUE_INDEX_STORE = "payment-ledger-due-index";

    private final KeyValueStore<String, LedgerEntry> entries;
    private final KeyValueStore<Bytes, String> dueIndex;

    public PaymentLedger(KeyValueStore<String, LedgerEntry> entries, KeyValueStore<Bytes, String> dueIndex) {
        this.entries = entries;
        this.dueIndex = dueIndex;
    }

    public static StoreBuilder<KeyValueStore<String, LedgerEntry>> ledgerStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEDGER_STORE),
                Serdes.String(), new LedgerEntrySerde());
    }

    public static StoreBuilder<KeyValueStore<Bytes, String>> dueIndexStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DUE_INDEX_STORE),
                Serdes.Bytes(), Serdes.String());
    }

    @Override
    public Optional<LedgerEntry> find(String paymentId) {
        return Optional.ofNullable(entries.get(paymentId));
    }

    @Override
    public void save(LedgerEntry entry) {
        LedgerEntry previous = entries.get(entry.paymentId());
        if (previous instanceof LedgerEntry.Attempting attempting) {
            dueIndex.delete(DueIndex.key(attempting.nextCheckAt(), attempting.paymentId()));
        }
        entries.put(entry.paymentId(), entry);
        if (entry instanceof LedgerEntry.Attempting attempting) {
            dueIndex.put(DueIndex.key(attempting.nextCheckAt(), attempting.paymentId()), attempting.paymentId());
        }
    }

    @Override
    public List<LedgerEntry.Attempting> dueBy(Instant now, int limit) {
        List<Bytes> dueKeys = DueIndex.dueKeys(dueIndex, now, limit);
        List<LedgerEntry.Attempting> result = new ArrayList<>(dueKeys.size());
        for (Bytes key : dueKeys) {
            if (entries.get(DueIndex.id(key)) instanceof LedgerEntry.Attempting attempting
                    && DueIndex.key(attempting.nextCheckAt(), attempting.paymentId()).equals(key)) {
                result.add(attempting);
            } else {
                // Cannot happen through save(); dropping the stray key keeps the scan from finding it forever.
                dueIndex.delete(key);
            }
        }
        return result;
    }
}
