package dev.pirate.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a call pauses between a timed-out attempt and the next one: exponential, capped, and
 * jittered, so that clients which lost their replies together (a broker restart, a worker that
 * died) do not all send again at the same moment and hand the recovering service a thundering herd.
 * <p>
 * The pause before retry {@code n} (1 for the second attempt) is drawn from
 * {@code min(max, initial × multiplier^(n-1))} by the {@link Jitter}. A zero {@code initial} turns
 * the pause off: a retry goes out as soon as the attempt before it times out.
 *
 * @param initial the pause before the first retry, before jitter; zero for none
 * @param multiplier how much the pause grows with each further retry, at least 1
 * @param max the longest pause, before jitter; not below {@code initial}
 * @param jitter how the pause is randomised
 */
public record Backoff(Duration initial, double multiplier, Duration max, Jitter jitter) {

    /** 100 ms, doubling, capped at 1 s, equal jitter. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), 2, Duration.ofSeconds(1), Jitter.EQUAL);

    /**
     * How a pause is randomised around its exponential value {@code d}.
     */
    public enum Jitter {

        /**
         * Anywhere in {@code [0, d]}: spreads clients the most, but a pause may come out close to
         * nothing.
         */
        FULL,

        /**
         * Anywhere in {@code [d/2, d]}: spreads clients less, but always pauses at least half of
         * {@code d}. The default, because a retry that goes out at once only adds load to whatever
         * made the attempt time out.
         */
        EQUAL
    }

    /**
     * Validates the back-off.
     * @param initial zero or positive
     * @param multiplier at least 1, finite
     * @param max not below {@code initial}
     * @param jitter the jitter
     */
    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(jitter, "jitter");
        if (initial.isNegative()) {
            throw new IllegalArgumentException("initial back-off must not be negative, was " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max back-off (" + max + ") must not be below the initial one ("
                    + initial + ")");
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("back-off multiplier must be at least 1, was " + multiplier);
        }
        // Fails here, not on the I/O thread, for a pause longer than the nanosecond clock can time.
        max.toNanos();
    }

    /**
     * Returns an exponential back-off with {@link Jitter#EQUAL equal jitter}.
     * @param initial the pause before the first retry; zero for none
     * @param multiplier how much the pause grows with each retry, at least 1
     * @param max the longest pause
     * @return the back-off
     */
    public static Backoff exponential(Duration initial, double multiplier, Duration max) {
        return new Backoff(initial, multiplier, max, Jitter.EQUAL);
    }

    /**
     * Returns this back-off with another jitter.
     * @param jitter the jitter
     * @return a new back-off
     */
    public Backoff withJitter(Jitter jitter) {
        return new Backoff(this.initial, this.multiplier, this.max, jitter);
    }

    /**
     * Draws the pause before a retry; O(1) and allocation-free, as it runs on the I/O thread.
     * @param retry 1 for the pause before the second attempt
     */
    long delayNanos(int retry) {
        long initialNanos = this.initial.toNanos();
        if (initialNanos == 0) {
            return 0;
        }
        // In doubles: the power overflows long quickly, and min() brings it back under the cap.
        long ceiling = (long) Math.min(this.max.toNanos(), initialNanos * Math.pow(this.multiplier, retry - 1));
        long floor = (this.jitter == Jitter.EQUAL) ? ceiling / 2 : 0;
        return floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1);
    }

    /** The longest pause this back-off can draw. */
    long maxDelayNanos() {
        return this.initial.isZero() ? 0 : this.max.toNanos();
    }
}
