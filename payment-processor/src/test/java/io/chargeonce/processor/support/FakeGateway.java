package io.chargeonce.processor.support;

import io.chargeonce.processor.gateway.ChargeCommand;
import io.chargeonce.processor.gateway.ChargeOutcome;
import io.chargeonce.processor.gateway.PaymentGateway;
import io.chargeonce.processor.gateway.RefundCommand;
import io.chargeonce.processor.gateway.RefundOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A provider the test answers by hand: every call (charges and refunds, each with its lookups) is recorded and left pending until the test
 * completes it, which is how a test decides when (and whether) an outcome arrives.
 */
public final class FakeGateway implements PaymentGateway {

    /** One call the processor made. */
    public record Call(String kind, String idempotencyKey, ChargeCommand command, CompletableFuture<ChargeOutcome> future) {
        public void answer(ChargeOutcome outcome) {
            future.complete(outcome);
        }
    }

    /** One refund call the processor made ({@code command} is null for a lookup). */
    public record RefundCall(String kind, String idempotencyKey, RefundCommand command, CompletableFuture<RefundOutcome> future) {
        public void answer(RefundOutcome outcome) {
            future.complete(outcome);
        }
    }

    private final List<Call> calls = new ArrayList<>();
    private final List<RefundCall> refundCalls = new ArrayList<>();
    private final List<String> traceparents = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<ChargeOutcome> charge(ChargeCommand command, String traceparent) {
        traceparents.add(traceparent);
        return charge(command);
    }

    @Override
    public synchronized CompletableFuture<ChargeOutcome> lookup(String idempotencyKey, String traceparent) {
        traceparents.add(traceparent);
        return lookup(idempotencyKey);
    }

    /** The trace context each call was made in, in call order (null for an untraced call). */
    public synchronized List<String> traceparents() {
        return new ArrayList<>(traceparents);
    }

    @Override
    public synchronized CompletableFuture<ChargeOutcome> charge(ChargeCommand command) {
        Call call = new Call("charge", command.idempotencyKey(), command, new CompletableFuture<>());
        calls.add(call);
        return call.future();
    }

    @Override
    public synchronized CompletableFuture<ChargeOutcome> lookup(String idempotencyKey) {
        Call call = new Call("lookup", idempotencyKey, null, new CompletableFuture<>());
        calls.add(call);
        return call.future();
    }

    @Override
    public synchronized CompletableFuture<RefundOutcome> refund(RefundCommand command, String traceparent) {
        traceparents.add(traceparent);
        RefundCall call = new RefundCall("refund", command.idempotencyKey(), command, new CompletableFuture<>());
        refundCalls.add(call);
        return call.future();
    }

    @Override
    public synchronized CompletableFuture<RefundOutcome> lookupRefund(String idempotencyKey, String traceparent) {
        traceparents.add(traceparent);
        RefundCall call = new RefundCall("lookup", idempotencyKey, null, new CompletableFuture<>());
        refundCalls.add(call);
        return call.future();
    }

    /** Every refund call and refund lookup, in call order. */
    public synchronized List<RefundCall> refundCalls() {
        return List.copyOf(refundCalls);
    }

    public synchronized List<RefundCall> refunds() {
        return refundCalls.stream().filter(c -> c.kind().equals("refund")).toList();
    }

    /** The most recent refund call or refund lookup; fails the test if there is none. */
    public synchronized RefundCall lastRefundCall() {
        if (refundCalls.isEmpty()) {
            throw new AssertionError("the processor made no provider refund call");
        }
        return refundCalls.getLast();
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized List<Call> charges() {
        return calls.stream().filter(c -> c.kind().equals("charge")).toList();
    }

    public synchronized List<Call> lookups() {
        return calls.stream().filter(c -> c.kind().equals("lookup")).toList();
    }

    /** The most recent call; fails the test if there is none. */
    public synchronized Call last() {
        if (calls.isEmpty()) {
            throw new AssertionError("the processor made no provider call");
        }
        return calls.getLast();
    }
}
