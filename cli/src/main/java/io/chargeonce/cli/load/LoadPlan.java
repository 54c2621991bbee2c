package io.chargeonce.cli.load;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link LoadGenerator} plays: whose API keys, how fast, for how long, how many duplicates,
 * and how patiently. Validated when built: a bad plan fails with one message naming every problem.
 *
 * @param apiUrl           payment-api base URL ({@code http://host:port}).
 * @param apiKeys          merchants' API keys; each payment goes to one of them, drawn from the seed.
 *                         Keys are never logged.
 * @param clients          apps paying at the same time (each one payment at a time). More clients
 *                         push harder, but past the API's connection pool they only queue.
 * @param ratePerSecond    target rate of new payments; 0 = as fast as {@code clients} can. A rate
 *                         is an open-ish loop (start slots are fixed in advance), capped by {@code clients}
 *                         so an outage cannot pile up unbounded in-flight payments. Default 0.
 * @param duration         stop starting payments after this long; {@code null} = bounded by count only.
 * @param payments         stop after this many payments; 0 = bounded by time only. At least one bound.
 * @param duplicateRatio   share of payments sent more than once with the same Idempotency-Key: a retry
 *                         after a lost response, a double tap or a triple tap (equally likely).
 *                         Default 0.3.
 * @param declineRatio     share of payments for a customer the provider declines ({@code cus_decline*}).
 *                         Default 0.
 * @param seed             seed of every draw (merchant, amount, duplication, decline, sampling, jitter):
 *                         payment n of a seed is always the same request.
 * @param runId            part of every Idempotency-Key and order id, so two runs with one seed against
 *                         one stack do not collide; {@code null} = derived from the clock at start.
 * @param paymentDeadline  how long an app keeps retrying one payment (same key) through refused
 *                         connections, 5xx, 503 and 409 before giving up and recording it. Long rides
 *                         out restarts; short reports an outage sooner. Default 60 s.
 * @param backoffInitial   first retry delay; doubles per retry up to {@code backoffMax}, with jitter
 *                         so a recovering API is not hit by every app in the same millisecond. Default 50 ms.
 * @param backoffMax       cap of the retry delay: low recovers faster after an outage, high loads a
 *                         struggling API less. Default 1 s.
 * @param statusPolling    whether and how the final status of payments is followed through
 *                         {@code GET /payments/{id}} (journey latency).
 */
public record LoadPlan(
        URI apiUrl,
        List<String> apiKeys,
        int clients,
        double ratePerSecond,
        Duration duration,
        int payments,
        double duplicateRatio,
        double declineRatio,
        long seed,
        String runId,
        Duration paymentDeadline,
        Duration backoffInitial,
        Duration backoffMax,
        StatusPolling statusPolling) {

    /**
     * How the final status is followed without overloading the API: a sample of payments, each
     * polled at an interval that doubles up to a ceiling, all polls together under a rate cap. The
     * end of a journey is dated by the API itself (the {@code updatedAt} of the terminal status), so
     * coarse polling makes the drain slower to notice, not the latency less accurate.
     *
     * @param sampleRatio    share of accepted payments whose status is followed; 0 switches polling off.
     * @param firstPollAfter wait after acceptance before the first GET (a payment is never final sooner).
     * @param interval       between the first two GETs of one payment; doubles after each PENDING answer.
     * @param maxInterval    ceiling of that doubling: low notices a final status sooner, high costs fewer GETs.
     * @param maxPerSecond   cap on all status GETs together while payments are still being sent, so
     *                       polling never dominates the load.
     * @param drainPerSecond the cap once no payment is sent any more: the API has room, and a higher cap
     *                       notices the last final statuses sooner.
     * @param deadline       after acceptance, how long a payment is followed before it is recorded as
     *                       not final.
     * @param threads        concurrent GETs.
     */
    public record StatusPolling(double sampleRatio, Duration firstPollAfter, Duration interval, Duration maxInterval,
                                double maxPerSecond, double drainPerSecond, Duration deadline, int threads) {

        /**
         * Follows every payment: first GET after 50 ms, then after 50, 100, 200 ... ms up to 1 s, at
         * most 200 GETs/s under load and 500/s after it, for 2 minutes.
         */
        public static StatusPolling everyPayment() {
            return new StatusPolling(1.0, Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofSeconds(1), 200, 500,
                    Duration.ofMinutes(2), 4);
        }

        public static StatusPolling off() {
            return everyPayment().withSampleRatio(0);
        }

        public boolean enabled() {
            return sampleRatio > 0;
        }

        public StatusPolling withSampleRatio(double ratio) {
            return new StatusPolling(ratio, firstPollAfter, interval, maxInterval, maxPerSecond, drainPerSecond, deadline, threads);
        }

        public StatusPolling withMaxPerSecond(double underLoad, double afterLoad) {
            return new StatusPolling(sampleRatio, firstPollAfter, interval, maxInterval, underLoad, afterLoad, deadline,
                    threads);
        }

        public StatusPolling withDeadline(Duration newDeadline) {
            return new StatusPolling(sampleRatio, firstPollAfter, interval, maxInterval, maxPerSecond, drainPerSecond, newDeadline,
                    threads);
        }

        void validate(List<String> problems) {
            if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
                problems.add("statusPolling.sampleRatio must be 0..1, got " + sampleRatio);
            }
            if (enabled()) {
                positive(problems, "statusPolling.interval", interval);
                positive(problems, "statusPolling.maxInterval", maxInterval);
                if (interval != null && maxInterval != null && maxInterval.compareTo(interval) < 0) {
                    problems.add("statusPolling.maxInterval must be >= interval");
                }
                positive(problems, "statusPolling.deadline", deadline);
                if (firstPollAfter == null || firstPollAfter.isNegative()) {
                    problems.add("statusPolling.firstPollAfter must be >= 0");
                }
                if (!(maxPerSecond > 0) || !(drainPerSecond > 0)) {
                    problems.add("statusPolling.maxPerSecond and drainPerSecond must be > 0, got " + maxPerSecond
                            + " and " + drainPerSecond);
                }
                if (threads < 1) {
                    problems.add("statusPolling.threads must be >= 1, got " + threads);
                }
            }
        }
    }

    public LoadPlan {
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        List<String> problems = new ArrayList<>();
        if (apiUrl == null || !("http".equals(apiUrl.getScheme()) || "https".equals(apiUrl.getScheme()))) {
            problems.add("apiUrl must be an http(s) URL, got " + apiUrl);
        }
        if (apiKeys.isEmpty() || apiKeys.stream().anyMatch(k -> k == null || k.isBlank())) {
            problems.add("at least one non-blank merchant API key is needed");
        }
        if (clients < 1) {
            problems.add("clients must be >= 1, got " + clients);
        }
        if (!(ratePerSecond >= 0)) {
            problems.add("ratePerSecond must be >= 0 (0 = as fast as the clients can), got " + ratePerSecond);
        }
        if (duration == null && payments <= 0) {
            problems.add("a plan needs a bound: a duration, a number of payments, or both");
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            problems.add("duration must be positive, got " + duration);
        }
        if (payments < 0) {
            problems.add("payments must be >= 0 (0 = bounded by time only), got " + payments);
        }
        rate(problems, "duplicateRatio", duplicateRatio);
        rate(problems, "declineRatio", declineRatio);
        if (runId != null && !runId.matches("[A-Za-z0-9_-]{1,40}")) {
            problems.add("runId must be 1..40 letters, digits, '_' or '-', got " + runId);
        }
        positive(problems, "paymentDeadline", paymentDeadline);
        positive(problems, "backoffInitial", backoffInitial);
        positive(problems, "backoffMax", backoffMax);
        if (backoffInitial != null && backoffMax != null && backoffMax.compareTo(backoffInitial) < 0) {
            problems.add("backoffMax must be >= backoffInitial");
        }
        if (statusPolling == null) {
            problems.add("statusPolling must be set (StatusPolling.off() to skip it)");
        } else {
            statusPolling.validate(problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid load plan: " + String.join("; ", problems));
        }
    }

    public static Builder builder(String apiUrl, List<String> apiKeys) {
        return new Builder(URI.create(Objects.requireNonNull(apiUrl, "apiUrl")), apiKeys);
    }

    private static void rate(List<String> problems, String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            problems.add(name + " must be 0..1, got " + value);
        }
    }

    private static void positive(List<String> problems, String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            problems.add(name + " must be positive, got " + value);
        }
    }

    /** Defaults as documented on {@link LoadPlan}. */
    public static final class Builder {
        private final URI apiUrl;
        private final List<String> apiKeys;
        private int clients = 8;
        private double ratePerSecond;
        private Duration duration;
        private int payments;
        private double duplicateRatio = 0.3;
        private double declineRatio;
        private long seed = 1;
        private String runId;
        private Duration paymentDeadline = Duration.ofSeconds(60);
        private Duration backoffInitial = Duration.ofMillis(50);
        private Duration backoffMax = Duration.ofSeconds(1);
        private StatusPolling statusPolling = StatusPolling.off();

        private Builder(URI apiUrl, List<String> apiKeys) {
            this.apiUrl = apiUrl;
            this.apiKeys = apiKeys;
        }

        public Builder clients(int value) { clients = value; return this; }
        public Builder ratePerSecond(double value) { ratePerSecond = value; return this; }
        public Builder duration(Duration value) { duration = value; return this; }
        public Builder payments(int value) { payments = value; return this; }
        public Builder duplicateRatio(double value) { duplicateRatio = value; return this; }
        public Builder declineRatio(double value) { declineRatio = value; return this; }
        public Builder seed(long value) { seed = value; return this; }
        public Builder runId(String value) { runId = value; return this; }
        public Builder paymentDeadline(Duration value) { paymentDeadline = value; return this; }
        public Builder backoff(Duration initial, Duration max) { backoffInitial = initial; backoffMax = max; return this; }
        public Builder statusPolling(StatusPolling value) { statusPolling = value; return this; }

        public LoadPlan build() {
            return new LoadPlan(apiUrl, apiKeys, clients, ratePerSecond, duration, payments, duplicateRatio,
                    declineRatio, seed, runId, paymentDeadline, backoffInitial, backoffMax, statusPolling);
        }
    }
}
