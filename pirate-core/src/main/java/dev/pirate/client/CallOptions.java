package dev.pirate.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

import dev.pirate.protocol.PirateExtension;

/**
 * Per-call timing: how long each attempt waits, how many times to retry, how long to pause
 * between attempts, and when the whole call must be over.
 * <pre>{@code
 * CallOptions options = CallOptions.of(Duration.ofMillis(500), 5)
 *     .withDeadline(Duration.ofSeconds(2))
 *     .withBackoff(Backoff.exponential(Duration.ofMillis(50), 2, Duration.ofMillis(400)));
 * }</pre>
 * Without a deadline a call may take every attempt's timeout and every pause. With one, no attempt
 * starts after it, the wait of the attempt in progress is cut to it, and the call then fails with a
 * {@link PirateTimeoutException}. A refusal ({@link PirateRefusedException}) and a handler failure
 * ({@link PirateRemoteException}) are answers, never retried.
 *
 * @param timeout how long one attempt waits for its reply
 * @param retries how many times the request is sent again after an attempt times out
 * @param deadline the longest the whole call may take, from the first send; {@code null} for none
 * @param backoff the pause between an attempt that timed out and the next one
 * @param traceContext the caller's trace context (a W3C {@code traceparent} value), carried to the
 * handler's {@code RequestContext} when client, broker and worker speak PX/1 and dropped otherwise;
 * {@code null} for none. Tracing integrations set it per call.
 */
public record CallOptions(Duration timeout, int retries, Duration deadline, Backoff backoff, String traceContext) {

    /** The Guide's defaults, 2500 ms and 3 retries, with the {@link Backoff#DEFAULT default back-off} and no deadline. */
    public static final CallOptions DEFAULTS = new CallOptions(Duration.ofMillis(2500), 3);

    /**
     * The budget of a call without a deadline is capped here, so that adding it to a
     * {@link System#nanoTime()} reading cannot overflow the comparisons made with it (146 years).
     */
    private static final long MAX_BUDGET_NANOS = Long.MAX_VALUE / 2;

    /**
     * Validates the options.
     * @param timeout a positive duration
     * @param retries zero or more
     * @param deadline a positive duration, or {@code null} for none
     * @param backoff the back-off
     * @param traceContext 1 to 128 printable ASCII characters, or {@code null} for none
     */
    public CallOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(backoff, "backoff");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative, was " + retries);
        }
        if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
            throw new IllegalArgumentException("deadline must be positive, was " + deadline);
        }
        if (traceContext != null
                && !PirateExtension.isValidTraceContext(traceContext.getBytes(StandardCharsets.ISO_8859_1))) {
            throw new IllegalArgumentException("traceContext must be 1 to " + PirateExtension.MAX_TRACE_CONTEXT_LENGTH
                    + " printable ASCII characters, was '" + traceContext + "'");
        }
        // Here rather than on the I/O thread: durations longer than the nanosecond clock can time.
        timeout.toNanos();
        if (deadline != null) {
            deadline.toNanos();
        }
    }

    /**
     * Creates options with the default back-off and no deadline.
     * @param timeout how long one attempt waits for its reply
     * @param retries how many times the request is sent again after an attempt times out
     */
    public CallOptions(Duration timeout, int retries) {
        this(timeout, retries, null, Backoff.DEFAULT);
    }

    /**
     * Creates options without a trace context.
     * @param timeout how long one attempt waits for its reply
     * @param retries how many times the request is sent again after an attempt times out
     * @param deadline the longest the whole call may take, from the first send; {@code null} for none
     * @param backoff the pause between an attempt that timed out and the next one
     */
    public CallOptions(Duration timeout, int retries, Duration deadline, Backoff backoff) {
        this(timeout, retries, deadline, backoff, null);
    }

    /**
     * Returns options with the default back-off and no deadline.
     * @param timeout a positive duration
     * @param retries zero or more
     * @return the options
     */
    public static CallOptions of(Duration timeout, int retries) {
        return new CallOptions(timeout, retries);
    }

    /**
     * Returns these options with another attempt timeout.
     * @param timeout a positive duration
     * @return new options
     */
    public CallOptions withTimeout(Duration timeout) {
        return new CallOptions(timeout, this.retries, this.deadline, this.backoff, this.traceContext);
    }

    /**
     * Returns these options with another number of retries.
     * @param retries zero or more
     * @return new options
     */
    public CallOptions withRetries(int retries) {
        return new CallOptions(this.timeout, retries, this.deadline, this.backoff, this.traceContext);
    }

    /**
     * Returns these options with a deadline for the whole call.
     * @param deadline a positive duration from the first send, or {@code null} for none
     * @return new options
     */
    public CallOptions withDeadline(Duration deadline) {
        return new CallOptions(this.timeout, this.retries, deadline, this.backoff, this.traceContext);
    }

    /**
     * Returns these options with another back-off between attempts.
     * @param backoff the back-off
     * @return new options
     */
    public CallOptions withBackoff(Backoff backoff) {
        return new CallOptions(this.timeout, this.retries, this.deadline, backoff, this.traceContext);
    }

    /**
     * Returns these options with the caller's trace context, for one call.
     * @param traceContext a W3C {@code traceparent} value (1 to 128 printable ASCII characters), or
     * {@code null} for none
     * @return new options
     */
    public CallOptions withTraceContext(String traceContext) {
        return new CallOptions(this.timeout, this.retries, this.deadline, this.backoff, traceContext);
    }

    /**
     * Returns how many times a request is sent at most.
     * @return {@code retries + 1}
     */
    public int attempts() {
        return this.retries + 1;
    }

    /**
     * The time the call may take: its deadline, or else every attempt's timeout plus the longest
     * pause before each retry, which no call without a deadline can exceed before its MMI probe.
     */
    long budgetNanos() {
        if (this.deadline != null) {
            return this.deadline.toNanos();
        }
        double most = (double) attempts() * this.timeout.toNanos() + (double) this.retries * this.backoff.maxDelayNanos();
        return (long) Math.min(MAX_BUDGET_NANOS, most);
    }
}
