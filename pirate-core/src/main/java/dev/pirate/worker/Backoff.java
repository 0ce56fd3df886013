package dev.pirate.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A reconnect delay that doubles after every failed attempt up to a cap, with ±20 % jitter so that
 * many workers cut off by one broker do not come back in lockstep.
 */
public final class Backoff {

    private final long initialMillis;

    private final long maxMillis;

    private long nextMillis;

    /**
     * Creates a back-off.
     * @param initial the first delay
     * @param max the cap
     */
    public Backoff(Duration initial, Duration max) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = Math.max(max.toMillis(), this.initialMillis);
        this.nextMillis = this.initialMillis;
    }

    /**
     * Returns the delay to wait now and doubles the next one.
     * @return the delay in milliseconds, jittered
     */
    public long nextDelayMillis() {
        long base = this.nextMillis;
        this.nextMillis = Math.min(this.maxMillis, base * 2);
        long jitter = base / 5;
        return (jitter == 0) ? base : base - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1);
    }

    /**
     * Starts over from the initial delay, after a connection proved healthy.
     */
    public void reset() {
        this.nextMillis = this.initialMillis;
    }
}
