package dev.pirate.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-request timing: how long to wait for each attempt and how many times to retry.
 *
 * @param timeout how long one attempt waits for its reply
 * @param retries how many times the request is sent again after the first attempt times out
 */
public record CallOptions(Duration timeout, int retries) {

    /** The Guide's defaults: 2500 ms, 3 retries. */
    public static final CallOptions DEFAULTS = new CallOptions(Duration.ofMillis(2500), 3);

    /**
     * Validates the options.
     * @param timeout a positive duration
     * @param retries zero or more
     */
    public CallOptions {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative, was " + retries);
        }
    }

    /**
     * Returns how many times a request is sent at most.
     * @return {@code retries + 1}
     */
    public int attempts() {
        return this.retries + 1;
    }
}
