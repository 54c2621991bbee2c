package io.chargeonce.api.http;

import io.chargeonce.api.merchant.Merchant;
import io.chargeonce.api.payment.Payment;
import io.chargeonce.api.payment.Payments;
import io.chargeonce.api.refund.RefundIntake;
import io.chargeonce.api.refund.RefundJson;
import io.chargeonce.api.refund.RefundOutcome;
import io.chargeonce.api.refund.RefundRequestParser;
import io.chargeonce.api.refund.Refunds;
import io.chargeonce.api.trace.Traceparent;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Refunds over HTTP: {@code POST /payments/{paymentId}/refunds} (idempotent, keys in a namespace of
 * their own), {@code GET /payments/{paymentId}/refunds} and {@code GET .../refunds/{refundId}}.
 * Authentication and error mapping are {@link PaymentRoutes}'s, registered with it. The refusals
 * (404, 409 payment_not_refundable, 422 refund_exceeds_payment) are not frozen under the key.
 */
public final class RefundRoutes {

    private final RefundIntake intake;
    private final Payments payments;
    private final Refunds refunds;
    private final Traceparent traces;
    private final RefundRequestParser parser = new RefundRequestParser();

    public RefundRoutes(RefundIntake intake, Payments payments, Refunds refunds, Traceparent traces) {
        this.intake = Objects.requireNonNull(intake, "intake");
        this.payments = Objects.requireNonNull(payments, "payments");
        this.refunds = Objects.requireNonNull(refunds, "refunds");
        this.traces = Objects.requireNonNull(traces, "traces");
    }

    /** Adds the routes to a Javalin configuration that {@link PaymentRoutes#register} configured too. */
    public void register(JavalinConfig config) {
        config.routes.post("/payments/{paymentId}/refunds", this::create);
        config.routes.get("/payments/{paymentId}/refunds", this::list);
        config.routes.get("/payments/{paymentId}/refunds/{refundId}", this::find);
    }

    private void create(Context ctx) throws SQLException {
        Merchant merchant = PaymentRoutes.merchant(ctx);
        UUID paymentId = PaymentRoutes.pathId(ctx, "paymentId");
        var key = PaymentRoutes.idempotencyKey(ctx, "refund");
        var request = PaymentRoutes.requestOf(parser.parse(ctx.bodyAsBytes()), "refund");
        var outcome = intake.submit(merchant, key, paymentId, request, traces.continueOrStart(ctx.header("traceparent")));
        switch (outcome) {
            case RefundOutcome.Keyed keyed -> PaymentRoutes.sendKeyed(ctx, keyed.result(),
                    "/payments/" + paymentId + "/refunds/" + keyed.result().id(), "refund");
            case RefundOutcome.PaymentNotFound ignored -> throw PaymentRoutes.notFound();
            case RefundOutcome.NotRefundable refusal -> throw new ApiException(409, "payment_not_refundable",
                    "payment " + paymentId + " is " + refusal.status() + "; only a CONFIRMED payment can be refunded");
            case RefundOutcome.ExceedsPayment refusal -> throw new ApiException(422, "refund_exceeds_payment",
                    (refusal.asked() > 0 ? "a refund of " + refusal.asked() : "a refund of the rest")
                    + " does not fit payment " + paymentId + ": its amount is " + refusal.paymentAmount() + ", of which "
                    + refusal.committed() + " is already refunded or pending; "
                    + (refusal.paymentAmount() - refusal.committed()) + " is left to refund",
                    List.of(), Map.of());
        }
    }

    private void list(Context ctx) throws SQLException {
        Payment payment = PaymentRoutes.payment(ctx, payments);
        ctx.status(200).contentType("application/json")
                .result(RefundJson.list(refunds.of(payment.merchantId(), payment.id())));
    }

    private void find(Context ctx) throws SQLException {
        Payment payment = PaymentRoutes.payment(ctx, payments);
        var refund = refunds.find(payment.merchantId(), payment.id(), PaymentRoutes.pathId(ctx, "refundId"))
                .orElseThrow(() -> new ApiException(404, "not_found", "no refund with this id for this payment"));
        ctx.status(200).contentType("application/json").result(RefundJson.view(refund));
    }
}
