package dev.pirate.benchmarks.rabbitmq;

import java.time.Duration;

/**
 * The requests of one phase of {@link RpcPipeline}: a number of them (the warm-up) or as many as
 * start within a duration (the measured phase), as fast as replies come back. Used by one thread at
 * a time.
 */
final class Phase {

    private final long count;

    private final long durationNanos;

    private long issued;

    private long startNanos;

    private boolean cancelled;

    private Phase(long count, long durationNanos) {
        this.count = count;
        this.durationNanos = durationNanos;
    }

    /**
     * A phase of a fixed number of requests.
     * @param count how many
     * @return the phase, not yet started
     */
    static Phase ofCount(long count) {
        return new Phase(count, Long.MAX_VALUE);
    }

    /**
     * A phase of a fixed length.
     * @param duration how long requests are started
     * @return the phase, not yet started
     */
    static Phase ofDuration(Duration duration) {
        return new Phase(Long.MAX_VALUE, duration.toNanos());
    }

    /**
     * Starts the clock; call once, just before the first request.
     */
    void start() {
        this.startNanos = System.nanoTime();
    }

    /**
     * Takes the next request.
     * @return its start in {@link System#nanoTime()} terms, or {@code -1} when the phase is over
     */
    long next() {
        if (this.cancelled || this.issued >= this.count) {
            return -1;
        }
        long now = System.nanoTime();
        if (now - this.startNanos >= this.durationNanos) {
            return -1;
        }
        this.issued++;
        return now;
    }

    /**
     * Ends the phase early: every later {@link #next()} returns {@code -1}.
     */
    void cancel() {
        this.cancelled = true;
    }
}
