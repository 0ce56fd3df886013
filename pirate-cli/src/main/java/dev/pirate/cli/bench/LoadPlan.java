package dev.pirate.cli.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * What a benchmark sends, validated: how many requests or for how long, how many in flight, how
 * large, after how much warm-up, and at what rate.
 *
 * @param requests requests to measure, or 0 to run for {@code duration}
 * @param duration how long to measure, when {@code requests} is 0
 * @param concurrency requests in flight
 * @param size request body size in bytes
 * @param warmup requests sent, unmeasured, before the measured phase
 * @param timeout how long a request may take before it counts as failed
 * @param rate requests per second, or 0 for as fast as the replies allow
 */
record LoadPlan(long requests, Duration duration, int concurrency, int size, long warmup, Duration timeout,
        double rate) {

    /**
     * Returns the measured phase's schedule, not yet started.
     * @return the schedule
     */
    Schedule schedule() {
        Schedule schedule = (this.requests > 0) ? Schedule.ofCount(this.requests) : Schedule.ofDuration(this.duration);
        return (this.rate > 0) ? schedule.atRate(this.rate) : schedule;
    }

    /**
     * Describes the load for the summary, e.g. {@code 16 B, 100 in flight, 10.0 s}.
     * @return the description
     */
    String describe() {
        String amount = (this.requests > 0) ? this.requests + " requests"
                : String.format(Locale.ROOT, "%.1f s", this.duration.toNanos() / 1e9);
        String pace = (this.rate > 0) ? String.format(Locale.ROOT, ", %.0f requests/s", this.rate) : "";
        return this.size + " B, " + this.concurrency + " in flight, " + amount + pace + ", " + this.warmup + " warm-up";
    }
}
