package io.chargeonce.cli.story;

import io.chargeonce.cli.story.PaymentFacts.DeadLettered;
import io.chargeonce.cli.story.PaymentFacts.Relayed;
import io.chargeonce.cli.story.PaymentFacts.Settlement;
import io.chargeonce.cli.story.PaymentFacts.StatusChange;
import io.chargeonce.cli.story.PaymentFacts.Undecodable;
import io.chargeonce.cli.story.ProviderLookup.KeyedCharge;
import io.chargeonce.cli.verify.History.Outcome;
import io.chargeonce.cli.verify.ProviderLedger.Charge;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The whole story of one payment, told in time order from its {@link PaymentFacts}: the intent,
 * the outbox event reaching Kafka (and every redelivery the inbox absorbed), what the processor
 * decided, each unknown outcome and its reconcile, the provider's charges, every status change, the
 * result and any dead letter, then each refund the same way ({@link RefundStory}), payment-api's
 * audit trail and a {@link StoryVerdict}. Each line names the system it was read
 * from, so an operator can check it there.
 *
 * <p>What no system records directly (the inbox's decision, which call settled a reconcile) is
 * inferred from the records around it and marked {@code (inferred)}.
 */
public record PaymentStory(String paymentId, List<StoryLine> lines, List<AuditEntry> auditTrail, StoryVerdict verdict) {

    private static final String INFERRED = "inbox/ledger (inferred)";

    public PaymentStory {
        lines = List.copyOf(lines);
        auditTrail = List.copyOf(auditTrail);
    }

    public static PaymentStory of(PaymentFacts facts) {
        List<StoryLine> lines = new ArrayList<>();
        facts.intent().ifPresent(intent -> intent(intent, lines));
        relay(facts, lines);
        facts.deadLetters().forEach(letter -> lines.add(deadLetter(letter)));
        facts.statuses().forEach(status -> lines.add(status(status, facts.idempotencyKey())));
        charges(facts, lines);
        facts.results().forEach(result -> lines.add(result(result)));
        RefundStory.tell(facts.refunds(), lines);
        facts.unreadable().forEach(u -> lines.add(undecodable(u)));
        facts.aborted().forEach(a -> lines.add(new StoryLine(a.timestamp(), a.at().toString(), "written by a transaction "
                + "that aborted (a processor crashed or was fenced): invisible to read_committed consumers, "
                + "only the committed records around it count")));
        lines.add(lookup(facts));
        // time order; a source that keeps no time goes last; equal times keep the order of the journey
        List<StoryLine> ordered = lines.stream()
                .sorted(Comparator.comparing(StoryLine::at, Comparator.nullsLast(Comparator.naturalOrder()))).toList();
        return new PaymentStory(facts.paymentId(), ordered, facts.auditTrail(), StoryVerdict.of(facts));
    }

    /**
     * The story as printed: a heading, one line per event with its time and source, payment-api's
     * audit trail as it stands (its own record of every state change, to hold the story against), the verdict.
     */
    public String render() {
        StringBuilder text = new StringBuilder("the story of payment " + paymentId
                + " (read from payment-api's table, the Kafka topics and the provider)").append(System.lineSeparator());
        int width = lines.stream().mapToInt(l -> l.source().length()).max().orElse(0);
        for (StoryLine line : lines) {
            text.append(String.format("  %-24s  %-" + width + "s  %s%n", line.time(), line.source(), line.text()));
        }
        if (!auditTrail.isEmpty()) {
            text.append("audit trail (payment-api's payment_history, in the order it was written):").append(System.lineSeparator());
            for (AuditEntry entry : auditTrail) {
                StoryLine line = new StoryLine(entry.at(), "payment_history", "");
                text.append(String.format("  %-24s  %s %s%s%s%n", line.time(), entry.subject(), entry.status(),
                        entry.reason() == null ? "" : " (" + entry.reason() + ")",
                        entry.eventId() == null ? "" : ", event " + entry.eventId()));
            }
        }
        return text.append(verdict.line()).append(System.lineSeparator()).toString();
    }

    private static void intent(Intent intent, List<StoryLine> lines) {
        lines.add(new StoryLine(intent.createdAt(), "payments table", "intent: merchant " + intent.merchantId()
                + ", order " + intent.orderId() + ", " + money(intent.amountMinor(), intent.currency())
                + ", idempotency key " + intent.keyShown() + "; written with its outbox event in one transaction"));
        String served = "payment-api serves " + intent.status() + (intent.reason() == null ? "" : " (" + intent.reason() + ")")
                + (intent.providerChargeId() == null ? "" : ", charge " + intent.providerChargeId());
        if (intent.updatedAt() != null && !intent.updatedAt().equals(intent.createdAt())) {
            lines.add(new StoryLine(intent.updatedAt(), "payments table", served + " (last applied status event)"));
        } else {
            lines.add(new StoryLine(intent.createdAt(), "payments table", served + " (no status event applied yet)"));
        }
    }

    /** Each request record, and what the inbox and the ledger made of it. */
    private static void relay(PaymentFacts facts, List<StoryLine> lines) {
        Instant created = facts.intent().map(Intent::createdAt).orElse(null);
        Map<String, Relayed> firstCopy = new HashMap<>();
        boolean processed = !facts.statuses().isEmpty() || !facts.results().isEmpty() || !facts.deadLetters().isEmpty()
                || !facts.ledger().isEmpty();
        for (Relayed record : facts.requests()) {
            String identity = record.eventId() != null ? record.eventId() : record.at().toString();
            Relayed first = firstCopy.get(identity);
            String source = record.at().toString();
            if (first != null) {
                lines.add(new StoryLine(record.timestamp(), source, "outbox event " + identity + " again, "
                        + millis(first.timestamp(), record.timestamp()) + " after its first copy: a redelivery (relay restart "
                        + "or replay); the processor's inbox drops it as a duplicate event id, nothing is charged"));
                continue;
            }
            boolean firstEvent = firstCopy.isEmpty();
            firstCopy.put(identity, record);
            String delay = firstEvent && created != null
                    ? " " + millis(created, record.timestamp()) + " after the intent was written (commit → relay)" : "";
            lines.add(new StoryLine(record.timestamp(), source, "outbox event " + identity + " relayed to Kafka" + delay));
            if (record.eventId() == null) {
                lines.add(new StoryLine(record.timestamp(), INFERRED, "the record has no event id header: the inbox cannot "
                        + "dedup it; only the ledger (one entry per payment) stops a second charge"));
            } else if (!firstEvent) {
                lines.add(new StoryLine(record.timestamp(), INFERRED, "a second event id for this payment: the inbox lets it "
                        + "through, the ledger already holds the payment and ignores it"));
            } else if (processed) {
                lines.add(new StoryLine(record.timestamp(), INFERRED, "first delivery of event " + identity
                        + ": the inbox claims it, the ledger records attempt 1 and charges under key " + facts.idempotencyKey()));
            } else {
                lines.add(new StoryLine(record.timestamp(), INFERRED, "not processed yet: no status event, result, dead "
                        + "letter or provider charge so far"));
            }
        }
        if (facts.requests().isEmpty() && facts.intent().isPresent()) {
            lines.add(new StoryLine(facts.readAt(), "request topic", "no request record yet: the relay has not published "
                    + "the outbox event (is it running? is its replication slot behind?)"));
        }
    }

    private static StoryLine deadLetter(DeadLettered letter) {
        String error = letter.errorClass() == null ? "its body did not decode; headers only"
                : letter.errorClass() + ": " + letter.errorMessage() + " (fingerprint " + letter.fingerprint() + ")";
        return new StoryLine(letter.at(), letter.coordinates().toString(), "dead letter " + letter.failureClass() + ": "
                + error + (letter.origin() == null ? "" : "; original at " + letter.origin())
                + (letter.eventId() == null ? "" : ", event " + letter.eventId())
                + "; replay with `chargeonce dlt replay`");
    }

    private static StoryLine status(StatusChange status, String providerKey) {
        String attempt = "attempt " + status.attempt();
        String text = switch (status.status()) {
            case PENDING -> status.reason() == null ? "status PENDING, " + attempt
                    : "status PENDING, " + attempt + " outcome unknown ("
                    + status.reason().replaceFirst("^attempt " + status.attempt() + ": ", "") + "): reconcile by key "
                    + providerKey + " after a backoff";
            case CONFIRMED -> "status CONFIRMED, " + attempt + ", charge " + status.providerChargeId()
                    + (status.attempt() > 1 ? "; settled by a reconcile: looked up by key, charged again with the same key "
                    + "only if the provider had none" : "");
            case FAILED -> "status FAILED, " + attempt + ": " + status.reason();
            case NEEDS_ATTENTION -> "status NEEDS_ATTENTION, " + attempt + ": " + status.reason() + "; a person must decide";
        };
        return new StoryLine(status.occurredAt(), status.at().toString(), text);
    }

    /**
     * The provider's ledger entries, dated by the key lookup where it names the same charge. The
     * provider keeps seconds; the processor charges only after the request reached Kafka, so a charge
     * is placed no earlier than the first request record instead of before the intent it pays for.
     */
    private static void charges(PaymentFacts facts, List<StoryLine> lines) {
        Map<String, Instant> created = facts.lookup().stream().filter(c -> c.created() != null)
                .collect(Collectors.toMap(KeyedCharge::id, KeyedCharge::created, (a, b) -> a));
        Instant relayed = facts.requests().stream().map(Relayed::timestamp).min(Comparator.naturalOrder()).orElse(null);
        for (Charge charge : facts.ledger()) {
            boolean ourKey = facts.idempotencyKey().equals(charge.idempotencyKey());
            Instant second = created.get(charge.id());
            Instant order = second == null || relayed == null || second.isAfter(relayed) ? second : relayed;
            lines.add(new StoryLine(order, second, "provider ledger", "charge " + charge.id() + " "
                    + charge.status() + ", amount " + charge.amount() + " (minor units), under key " + charge.idempotencyKey()
                    + (ourKey ? "" : " — NOT this payment's key: a charge chargeonce's idempotency could not stop")));
        }
    }

    private static StoryLine result(Settlement result) {
        String text = result.outcome() == Outcome.CONFIRMED
                ? "result CONFIRMED: " + result.detail() + ", after " + result.attempts() + " attempt(s)"
                : "result FAILED: " + result.detail() + ", after " + result.attempts() + " attempt(s)";
        return new StoryLine(result.at(), result.coordinates().toString(), text);
    }

    private static StoryLine undecodable(Undecodable record) {
        return new StoryLine(record.timestamp(), record.at().toString(), "undecodable record keyed by this payment: "
                + record.problem());
    }

    /** Today's answer for the key: what any retry under it would get. */
    private static StoryLine lookup(PaymentFacts facts) {
        String source = "provider GET /v1/charges";
        if (facts.lookup().isEmpty()) {
            return new StoryLine(facts.readAt(), source, "key " + facts.idempotencyKey() + ": no charge under it; "
                    + "a charge with this key would be the first");
        }
        Set<String> described = facts.lookup().stream().map(c -> c.id() + " " + c.status())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        return new StoryLine(facts.readAt(), source, "key " + facts.idempotencyKey() + ": " + String.join(", ", described)
                + "; every retry under this key is answered from it, never charged again");
    }

    static String money(long amountMinor, String currency) {
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException unknownCurrency) {
            return amountMinor + " (minor units) " + currency;
        }
        return BigDecimal.valueOf(amountMinor, digits).toPlainString() + " " + currency;
    }

    static String millis(Instant from, Instant to) {
        return Duration.between(Objects.requireNonNull(from), Objects.requireNonNull(to)).toMillis() + " ms";
    }
}
