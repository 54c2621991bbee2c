package io.chargeonce.cli.story;

import io.chargeonce.cli.story.RefundFacts.Requested;
import io.chargeonce.cli.story.RefundFacts.Settled;
import io.chargeonce.cli.story.RefundFacts.StatusChange;
import io.chargeonce.cli.verify.ProviderLedger;
import io.chargeonce.cli.verify.RefundHistory;
import io.chargeonce.events.RefundStatus;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The refund lines of a payment's story, told from its {@link RefundFacts}: each refund's intent and
 * the status payment-api serves, its request record reaching Kafka (and every redelivery the inbox
 * absorbed), what the processor decided, each provider refund, every status change and the result.
 * The merchant's free-text reason is never among the facts, so it cannot be printed.
 */
final class RefundStory {

    private static final String INFERRED = "inbox/refund ledger (inferred)";
    private static final String TABLE = "refunds table";

    private RefundStory() {
    }

    static void tell(RefundFacts facts, List<StoryLine> lines) {
        Map<String, RefundHistory.Refund> rows = new HashMap<>();
        for (RefundHistory.Refund refund : facts.refunds()) {
            rows.put(refund.id(), refund);
            intent(refund, lines);
        }
        requests(facts, rows, lines);
        facts.statuses().forEach(status -> lines.add(status(status)));
        providerRefunds(facts, lines);
        facts.results().forEach(result -> lines.add(result(result)));
    }

    private static void intent(RefundHistory.Refund refund, List<StoryLine> lines) {
        lines.add(new StoryLine(refund.createdAt(), TABLE, "refund " + refund.id() + " intent: "
                + PaymentStory.money(refund.amountMinor(), refund.currency())
                + "; written with its outbox event and its history row in one transaction, under the payment's row lock"));
        String served = "refund " + refund.id() + ": payment-api serves " + refund.status()
                + (refund.reasonCode() == null ? "" : " " + refund.reasonCode())
                + (refund.reason() == null ? "" : " (" + refund.reason() + ")")
                + (refund.providerRefundId() == null ? "" : ", provider refund " + refund.providerRefundId());
        boolean applied = refund.updatedAt() != null && !refund.updatedAt().equals(refund.createdAt());
        lines.add(new StoryLine(applied ? refund.updatedAt() : refund.createdAt(), TABLE,
                served + (applied ? " (last applied status event)" : " (no status event applied yet)")));
    }

    private static void requests(RefundFacts facts, Map<String, RefundHistory.Refund> rows, List<StoryLine> lines) {
        Map<String, Requested> firstCopy = new HashMap<>();
        for (Requested record : facts.requests()) {
            String identity = record.eventId() != null ? record.eventId() : record.at().toString();
            String source = record.at().toString();
            Requested first = firstCopy.putIfAbsent(identity, record);
            if (first != null) {
                lines.add(new StoryLine(record.timestamp(), source, "refund request event " + identity + " again, "
                        + PaymentStory.millis(first.timestamp(), record.timestamp()) + " after its first copy: a redelivery; the "
                        + "processor's inbox drops it as a duplicate event id, nothing is refunded"));
                continue;
            }
            if (record.refundId() == null) {
                lines.add(new StoryLine(record.timestamp(), source, "refund request event " + identity + " relayed to Kafka,"
                        + " its body did not decode: the processor dead-letters it (see the dead letter)"));
                continue;
            }
            RefundHistory.Refund row = rows.get(record.refundId());
            String delay = row == null || row.createdAt() == null ? ""
                    : " " + PaymentStory.millis(row.createdAt(), record.timestamp()) + " after the refund was written (commit → relay)";
            lines.add(new StoryLine(record.timestamp(), source, "refund request event " + identity + " (refund "
                    + record.refundId() + ") relayed to Kafka" + delay));
            List<StatusChange> decided = facts.statuses().stream().filter(s -> record.refundId().equals(s.refundId())).toList();
            boolean refused = decided.stream().anyMatch(s -> s.status() == RefundStatus.FAILED && s.attempt() == 0);
            boolean processed = !decided.isEmpty()
                    || facts.results().stream().anyMatch(s -> record.refundId().equals(s.refundId()));
            String claimed = "first delivery of event " + identity + ": the inbox claims it; the refund ledger checks it "
                    + "against the payment's ledger entry (confirmed? same merchant and currency? amount fits?)";
            lines.add(new StoryLine(record.timestamp(), INFERRED, !processed
                    ? "not processed yet: no refund status event or result so far"
                    : refused ? claimed + " and refuses it without calling the provider"
                    : claimed + ", reserves the amount and refunds under key " + RefundHistory.providerKey(record.refundId())));
        }
    }

    private static StoryLine status(StatusChange status) {
        String refund = "refund " + status.refundId() + " status ";
        String attempt = "attempt " + status.attempt();
        String text = switch (status.status()) {
            case PENDING -> status.reason() == null ? refund + "PENDING, " + attempt
                    : refund + "PENDING, " + attempt + " outcome unknown (" + status.reason() + "): look up key "
                    + RefundHistory.providerKey(status.refundId()) + " after a backoff, refund again under it only if the "
                    + "provider has nothing";
            case SUCCEEDED -> refund + "SUCCEEDED, " + attempt + ", provider refund " + status.providerRefundId();
            case FAILED -> refund + "FAILED, " + (status.attempt() == 0 ? "decided without calling the provider" : attempt)
                    + ": " + status.reasonCode() + (status.reason() == null ? "" : " (" + status.reason() + ")")
                    + "; no money moved";
            case NEEDS_ATTENTION -> refund + "NEEDS_ATTENTION, " + attempt + ": " + status.reason() + "; a person must decide";
        };
        return new StoryLine(status.occurredAt(), status.at().toString(), text);
    }

    /**
     * The provider keeps seconds; a refund is made only after its request reached Kafka, so it is
     * placed no earlier than that record instead of before the intent it carries out.
     */
    private static void providerRefunds(RefundFacts facts, List<StoryLine> lines) {
        for (ProviderLedger.Refund made : facts.providerRefunds()) {
            Instant relayed = facts.requests().stream().filter(r -> Objects.equals(r.refundId(), made.refundId()))
                    .map(Requested::timestamp).min(Comparator.naturalOrder()).orElse(null);
            Instant second = made.createdAt();
            Instant order = second == null || relayed == null || second.isAfter(relayed) ? second : relayed;
            boolean ourKey = made.refundId() != null && RefundHistory.providerKey(made.refundId()).equals(made.idempotencyKey());
            lines.add(new StoryLine(order, second, "provider ledger", "provider refund " + made.id() + " made for refund "
                    + made.refundId() + ": amount " + made.amount() + " (minor units) from charge " + made.chargeId()
                    + ", under key " + made.idempotencyKey()
                    + (ourKey ? "" : " — NOT the refund's key: a refund chargeonce's idempotency could not stop")));
        }
    }

    private static StoryLine result(Settled result) {
        String text = "refund " + result.refundId() + " result " + result.status() + ": "
                + (result.status() == RefundStatus.SUCCEEDED ? "provider refund " + result.providerRefundId()
                : result.reasonCode() + (result.reason() == null ? "" : " (" + result.reason() + ")"))
                + ", " + PaymentStory.money(result.amountMinor(), result.currency()) + ", after " + result.attempts()
                + " attempt(s)";
        return new StoryLine(result.settledAt(), result.at().toString(), text);
    }
}
