package dev.pirate.support;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;

/**
 * Logs at most one line per reason per interval, and counts the lines it held back so the next
 * line can say how many there were. Every log line that input from the network can cause goes
 * through one of these, so a flood of bad input cannot flood the log too.
 * <p>
 * Reasons are the constants of an enum, so the state is two small arrays. Thread-safe: the
 * methods are synchronized, which costs nothing measurable on the rare paths that log.
 * @param <R> the enum of reasons
 */
public final class RateLimitedLog<R extends Enum<R>> {

    /** One line per reason per second unless told otherwise. */
    public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The level a line is logged at. */
    public enum Level {
        /** {@link Logger#info(String, Object...)}. */
        INFO,
        /** {@link Logger#warn(String, Object...)}. */
        WARN,
        /** {@link Logger#error(String, Object...)}. */
        ERROR
    }

    private final Logger logger;

    private final Level level;

    private final long intervalNanos;

    private final long[] lastLoggedNanos;

    private final long[] suppressed;

    private final boolean[] loggedOnce;

    /**
     * Creates a log for the reasons of an enum, one line per reason per second.
     * @param logger where lines go
     * @param level the level of every line
     * @param reasons the enum of reasons
     */
    public RateLimitedLog(Logger logger, Level level, Class<R> reasons) {
        this(logger, level, reasons, DEFAULT_INTERVAL_NANOS);
    }

    /**
     * Creates a log for the reasons of an enum.
     * @param logger where lines go
     * @param level the level of every line
     * @param reasons the enum of reasons
     * @param intervalNanos the shortest time between two lines of one reason
     */
    public RateLimitedLog(Logger logger, Level level, Class<R> reasons, long intervalNanos) {
        int count = reasons.getEnumConstants().length;
        this.logger = logger;
        this.level = level;
        this.intervalNanos = intervalNanos;
        this.lastLoggedNanos = new long[count];
        this.suppressed = new long[count];
        this.loggedOnce = new boolean[count];
    }

    /**
     * Logs a line for a reason unless one was logged less than an interval ago; then only counts it.
     * The line ends with the number of lines held back since the previous one, if any.
     * @param reason why
     * @param format an SLF4J format
     * @param arguments its arguments
     * @return {@code true} if the line was written
     */
    public synchronized boolean log(R reason, String format, Object... arguments) {
        int i = reason.ordinal();
        long now = System.nanoTime();
        if (this.loggedOnce[i] && now - this.lastLoggedNanos[i] < this.intervalNanos) {
            this.suppressed[i]++;
            return false;
        }
        long held = this.suppressed[i];
        this.loggedOnce[i] = true;
        this.lastLoggedNanos[i] = now;
        this.suppressed[i] = 0;
        String line = (held > 0) ? format + " (" + held + " more since the last report)" : format;
        switch (this.level) {
            case INFO -> this.logger.info(line, arguments);
            case WARN -> this.logger.warn(line, arguments);
            case ERROR -> this.logger.error(line, arguments);
        }
        return true;
    }
}
