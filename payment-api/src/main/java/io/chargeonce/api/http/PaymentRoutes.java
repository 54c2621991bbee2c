package io.chargeonce.api.http;

import io.chargeonce.api.merchant.Merchant;
import io.chargeonce.api.merchant.Merchants;
import io.chargeonce.api.history.HistoryJson;
import io.chargeonce.api.history.PaymentHistory;
import io.chargeonce.api.idempotency.IdempotencyKey;
import io.chargeonce.api.idempotency.IntakeResult;
import io.chargeonce.api.payment.ParsedBody;
import io.chargeonce.api.payment.Payment;
import io.chargeonce.api.payment.PaymentIntake;
import io.chargeonce.api.payment.PaymentRequestParser;
import io.chargeonce.api.payment.Payments;
import io.chargeonce.api.refund.RefundJson;
import io.chargeonce.api.refund.Refunds;
import io.chargeonce.api.trace.Traceparent;
import io.chargeonce.schemas.SchemaRegistryException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The HTTP face of payment-api: {@code POST /payments}, {@code GET /payments/{paymentId}} (with its
 * refunds) and {@code GET /payments/{paymentId}/history}, all for the merchant named by the bearer
 * API key; it authenticates and maps errors for {@link RefundRoutes} too. Every error leaves as the
 * same JSON shape.
 */
public final class PaymentRoutes {

    /** Header telling a client its response is the stored one of an earlier request. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private static final Logger log = LoggerFactory.getLogger(PaymentRoutes.class);
    private static final String MERCHANT = "chargeonce.merchant";
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Merchants merchants;
    private final PaymentIntake intake;
    private final Payments payments;
    private final Refunds refunds;
    private final PaymentHistory history;
    private final Traceparent traces;
    private final PaymentRequestParser parser = new PaymentRequestParser();

    public PaymentRoutes(Merchants merchants, PaymentIntake intake, Payments payments, Refunds refunds,
                         PaymentHistory history, Traceparent traces) {
        this.merchants = Objects.requireNonNull(merchants, "merchants");
        this.intake = Objects.requireNonNull(intake, "intake");
        this.payments = Objects.requireNonNull(payments, "payments");
        this.refunds = Objects.requireNonNull(refunds, "refunds");
        this.history = Objects.requireNonNull(history, "history");
        this.traces = Objects.requireNonNull(traces, "traces");
    }

    /** Adds the routes and error mapping to a Javalin configuration. */
    public void register(JavalinConfig config) {
        // Only matched endpoints authenticate: an unknown path is a 404 whoever asks.
        config.routes.beforeMatched(this::authenticate);
        config.routes.post("/payments", this::create);
        config.routes.get("/payments/{paymentId}", this::find);
        config.routes.get("/payments/{paymentId}/history", this::history);
        config.routes.exception(ApiException.class, (error, ctx) -> ErrorJson.send(ctx, error));
        config.routes.exception(HttpResponseException.class, PaymentRoutes::frameworkError);
        config.routes.exception(SQLException.class, PaymentRoutes::databaseError);
        config.routes.exception(Exception.class, PaymentRoutes::unexpectedError);
    }

    private void authenticate(Context ctx) throws SQLException {
        if (OperationsRoutes.PATHS.contains(ctx.path())) {
            return; // monitoring carries no API key and sees no merchant's data
        }
        String authorization = ctx.header("Authorization");
        String prefix = "bearer ";
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(prefix)) {
            throw unauthorized("missing bearer API key: send 'Authorization: Bearer <api key>'");
        }
        Merchant merchant = merchants.authenticate(authorization.substring(prefix.length()).trim())
                .orElseThrow(() -> unauthorized("unknown API key"));
        ctx.attribute(MERCHANT, merchant);
    }

    private void create(Context ctx) throws SQLException {
        Merchant merchant = merchant(ctx);
        IdempotencyKey key = idempotencyKey(ctx, "payment");
        // Javalin enforces the body limit while reading and answers 413 through frameworkError.
        byte[] body = ctx.bodyAsBytes();
        var request = requestOf(parser.parse(body), "payment");
        IntakeResult result = intake.submit(merchant, key, request, traces.continueOrStart(ctx.header("traceparent")));
        sendKeyed(ctx, result, "/payments/" + result.id(), "payment");
    }

    private void find(Context ctx) throws SQLException {
        Payment payment = payment(ctx, payments);
        ctx.status(200).contentType("application/json")
                .result(RefundJson.paymentView(payment, refunds.of(payment.merchantId(), payment.id())));
    }

    private void history(Context ctx) throws SQLException {
        Payment payment = payment(ctx, payments);
        ctx.status(200).contentType("application/json").result(HistoryJson.of(payment.id(), history.of(payment.id())));
    }

    /** The caller's payment named by the path, or a 404 for a malformed, unknown or another merchant's id. */
    static Payment payment(Context ctx, Payments payments) throws SQLException {
        return payments.find(merchant(ctx).id(), pathId(ctx, "paymentId")).orElseThrow(PaymentRoutes::notFound);
    }

    static Merchant merchant(Context ctx) {
        return ctx.attribute(MERCHANT);
    }

    /** The id in a path parameter; a malformed id, an unknown one and another merchant's all look the same. */
    static UUID pathId(Context ctx, String name) {
        String raw = ctx.pathParam(name);
        if (!CANONICAL_UUID.matcher(raw).matches()) {
            throw notFound();
        }
        return UUID.fromString(raw);
    }

    /** The request in a parsed body, or the 400 saying what is wrong with it. */
    static <T> T requestOf(ParsedBody<T> parsed, String subject) {
        return switch (parsed) {
            case ParsedBody.Valid<T> valid -> valid.request();
            case ParsedBody.Invalid<T> invalid -> throw new ApiException(400, "invalid_request",
                    "the " + subject + " request has invalid fields; see details", invalid.errors(), Map.of());
            case ParsedBody.Malformed<T> malformed -> throw new ApiException(400, "malformed_json", malformed.reason());
        };
    }

    /** @param subject what one key creates: "payment" or "refund" */
    static IdempotencyKey idempotencyKey(Context ctx, String subject) {
        return IdempotencyKey.parse(ctx.header("Idempotency-Key")).orElseThrow(() -> new ApiException(400,
                "invalid_idempotency_key", "send an Idempotency-Key header of 1.." + IdempotencyKey.MAX_LENGTH
                + " printable ASCII characters, the same on every retry of one " + subject));
    }

    /** Sends the frozen response of a NEW or REPLAYED key, or the error of any other decision. */
    static void sendKeyed(Context ctx, IntakeResult result, String location, String subject) {
        switch (result.decision()) {
            case NEW -> sendStored(ctx, result, location);
            case REPLAYED -> {
                ctx.header(REPLAYED_HEADER, "true");
                sendStored(ctx, result, location);
            }
            case CONFLICT -> throw new ApiException(422, "idempotency_key_reused",
                    "this Idempotency-Key was already used for a different " + subject + " request; "
                    + "use a new key for a new " + subject + ", or resend the original request unchanged");
            case IN_PROGRESS -> throw new ApiException(409, "request_in_progress",
                    "a request with this Idempotency-Key is still being processed; retry shortly",
                    List.of(), Map.of("Retry-After", "1"));
        }
    }

    private static void sendStored(Context ctx, IntakeResult result, String location) {
        ctx.header("Location", location);
        ctx.status(result.httpStatus()).contentType("application/json").result(result.body());
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message, List.of(),
                Map.of("WWW-Authenticate", "Bearer realm=\"chargeonce\""));
    }

    static ApiException notFound() {
        return new ApiException(404, "not_found", "no payment with this id");
    }

    private static void frameworkError(HttpResponseException error, Context ctx) {
        int status = error.getStatus();
        String code = switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            default -> "http_" + status;
        };
        String message = switch (status) {
            case 404 -> "no such endpoint: " + ctx.method() + " " + ctx.path();
            case 405 -> "method " + ctx.method() + " is not allowed on " + ctx.path();
            case 413 -> "request body is larger than the accepted maximum";
            default -> error.getMessage();
        };
        ErrorJson.send(ctx, status, code, message, List.of());
    }

    private static void databaseError(SQLException error, Context ctx) {
        log.error("database failure on {} {} (SQLState {}): {}", ctx.method(), ctx.path(), error.getSQLState(),
                error.getMessage());
        ctx.header("Retry-After", "1");
        ErrorJson.send(ctx, 503, "service_unavailable", "the payment database is unavailable; retry shortly", List.of());
    }

    private static void unexpectedError(Exception error, Context ctx) {
        if (SchemaRegistryException.isTransient(error)) {
            log.error("schema registry unavailable on {} {}: {}", ctx.method(), ctx.path(), error.getMessage());
            ctx.header("Retry-After", "1");
            ErrorJson.send(ctx, 503, "service_unavailable", "a dependency is unavailable; retry shortly", List.of());
            return;
        }
        log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), error);
        ErrorJson.send(ctx, 500, "internal_error", "unexpected error; retry with the same Idempotency-Key",
                List.of());
    }
}
