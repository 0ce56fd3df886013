package dev.pirate.cli.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands out the requests of one phase to the threads that send them: a number of requests or a
 * duration, either as fast as the drivers go or at a fixed rate.
 * <p>
 * At a fixed rate each request has an intended start, {@code start + i / rate}, and its latency is
 * measured from then rather than from when a sender got round to it: a stalled target then shows up
 * as the latency its queued users would see, not hidden by the load generator waiting with it
 * (coordinated omission). Thread-safe.
 */
final class Schedule {

    private static final long NO_LIMIT = Long.MAX_VALUE;

    private final long count;

    private final long durationNanos;

    private final long intervalNanos;

    private final AtomicLong issued = new AtomicLong();

    private volatile long startNanos;

    private volatile boolean cancelled;

    private Schedule(long count, long durationNanos, long intervalNanos) {
        this.count = count;
        this.durationNanos = durationNanos;
        this.intervalNanos = intervalNanos;
    }

    /**
     * A phase of a fixed number of requests, as fast as possible.
     * @param count how many requests
     * @return the schedule
     */
    static Schedule ofCount(long count) {
        return new Schedule(count, NO_LIMIT, 0);
    }

    /**
     * A phase of a fixed length, as fast as possible.
     * @param duration how long requests are started
     * @return the schedule
     */
    static Schedule ofDuration(Duration duration) {
        return new Schedule(NO_LIMIT, duration.toNanos(), 0);
    }

    /**
     * Returns this schedule paced at a fixed rate.
     * @param perSecond requests per second, positive
     * @return a new schedule with the same limits
     */
    Schedule atRate(double perSecond) {
        return new Schedule(this.count, this.durationNanos, Math.max(1, Math.round(1e9 / perSecond)));
    }

    /**
     * Starts the clock; call once, just before the first request.
     */
    void start() {
        this.startNanos = System.nanoTime();
    }

    /**
     * Takes the next request. At a fixed rate this waits until the request's intended start.
     * @return the request's intended start in {@link System#nanoTime()} terms, or {@code -1} when the
     *     phase is over
     */
    long next() {
        long i = this.issued.getAndIncrement();
        if (i >= this.count || this.cancelled) {
            return -1;
        }
        long intended = (this.intervalNanos == 0) ? System.nanoTime() : this.startNanos + i * this.intervalNanos;
        if (intended - this.startNanos >= this.durationNanos) {
            return -1;
        }
        long wait;
        while ((wait = intended - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
        return intended;
    }

    /**
     * Ends the phase early: every later {@link #next()} returns {@code -1}.
     */
    void cancel() {
        this.cancelled = true;
    }
}
