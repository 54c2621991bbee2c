package io.chargeonce.sandbox.provider;

import io.chargeonce.sandbox.ProviderCharge;
import io.chargeonce.sandbox.ProviderFaults;
import io.chargeonce.sandbox.ProviderRefund;
import io.chargeonce.sandbox.ProviderStats;
import java.util.List;

/** Everything the simulated provider knows, shared by its HTTP endpoints and its Java API. */
public final class ProviderState {

    private final ChargeBook book = new ChargeBook();
    private final RefundBook refunds = new RefundBook();
    private final FaultDice dice = new FaultDice(ProviderFaults.none());
    private final Counters counters = new Counters();
    private volatile String rejectionCode;

    public ChargeBook book() {
        return book;
    }

    public RefundBook refunds() {
        return refunds;
    }

    public FaultDice dice() {
        return dice;
    }

    public Counters counters() {
        return counters;
    }

    public ProviderFaults faults() {
        return dice.faults();
    }

    /** Applies at once, also to requests already waiting out latency (they stop waiting). */
    public void setFaults(ProviderFaults faults) {
        dice.set(faults);
    }

    public List<ProviderCharge> ledger() {
        return book.ledger();
    }

    /** Refunds made, in order; refusals move no money and are not listed. */
    public List<ProviderRefund> refundLedger() {
        return refunds.ledger();
    }

    public ProviderStats stats() {
        return counters.snapshot(book.inFlight() + refunds.inFlight());
    }

    /** The code every charge and refund is refused with (400, nothing stored), or null when charges are accepted. */
    public String rejectionCode() {
        return rejectionCode;
    }

    public void setRejectionCode(String code) {
        this.rejectionCode = code;
    }

    /** Clears the ledgers, every key, the counters and the faults. */
    public void reset() {
        rejectionCode = null;
        dice.set(ProviderFaults.none());
        book.clear();
        refunds.clear();
        counters.clear();
    }
}
