package dev.pirate.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * What a worker knows about the request its handler is given, besides the body: the service, and,
 * when the broker negotiated PX/1 with the worker ({@code docs/rfc/px-1.md}, section 5), the
 * caller's request id, deadline and trace context. A broker that does not speak PX/1 sends none of
 * them, so they are then empty.
 * <p>
 * Immutable. The deadline is kept on the monotonic clock of the worker's JVM, counted from when the
 * request arrived, so {@link #timeLeft()} and {@link #isExpired()} do not move with wall-clock
 * adjustments; {@link #deadline()} is the same moment on the wall clock, for logs and for passing on.
 */
public final class RequestContext {

    private static final HexFormat HEX = HexFormat.of();

    private final String service;

    private final byte[] requestId;

    private final boolean hasDeadline;

    /** {@link System#nanoTime()} of the deadline; meaningful only with {@link #hasDeadline}. */
    private final long deadlineNanos;

    /** Epoch milliseconds of the deadline; meaningful only with {@link #hasDeadline}. */
    private final long deadlineEpochMillis;

    private final String traceContext;

    private RequestContext(String service, byte[] requestId, boolean hasDeadline, long deadlineNanos,
            long deadlineEpochMillis) {
        this(service, requestId, hasDeadline, deadlineNanos, deadlineEpochMillis, null);
    }

    private RequestContext(String service, byte[] requestId, boolean hasDeadline, long deadlineNanos,
            long deadlineEpochMillis, String traceContext) {
        this.service = service;
        this.requestId = requestId;
        this.hasDeadline = hasDeadline;
        this.deadlineNanos = deadlineNanos;
        this.deadlineEpochMillis = deadlineEpochMillis;
        this.traceContext = traceContext;
    }

    /**
     * Creates the context of a request without id or deadline, as from a broker without PX/1.
     * @param service the service name
     * @return the context
     */
    public static RequestContext of(String service) {
        return new RequestContext(Objects.requireNonNull(service, "service"), null, false, 0, 0);
    }

    /**
     * Creates a context, for example to test a handler.
     * @param service the service name
     * @param requestId the request id, or {@code null} for none; copied
     * @param timeLeft how long the caller still waits from now, or {@code null} for no deadline
     * @return the context
     */
    public static RequestContext of(String service, byte[] requestId, Duration timeLeft) {
        Objects.requireNonNull(service, "service");
        byte[] id = (requestId != null) ? requestId.clone() : null;
        if (timeLeft == null) {
            return new RequestContext(service, id, false, 0, 0);
        }
        return new RequestContext(service, id, true, System.nanoTime() + timeLeft.toNanos(),
                System.currentTimeMillis() + timeLeft.toMillis());
    }

    /**
     * Creates the context of a request that arrived with a PX frame's fields; the id is not copied.
     * @param deadlineMillis the milliseconds left when the broker sent it, or negative for none
     * @param receivedNanos when the worker received it, {@link System#nanoTime()}
     */
    static RequestContext received(String service, byte[] requestId, long deadlineMillis, long receivedNanos) {
        if (deadlineMillis < 0) {
            return new RequestContext(service, requestId, false, 0, 0);
        }
        long leftNanos = deadlineMillis * 1_000_000L;
        long ageNanos = System.nanoTime() - receivedNanos;
        return new RequestContext(service, requestId, true, receivedNanos + leftNanos,
                System.currentTimeMillis() + (leftNanos - ageNanos) / 1_000_000L);
    }

    /**
     * Returns this context with the caller's trace context, for example to test a traced handler.
     * @param traceContext a W3C {@code traceparent} value, or {@code null} for none
     * @return a new context
     */
    public RequestContext withTraceContext(String traceContext) {
        return new RequestContext(this.service, this.requestId, this.hasDeadline, this.deadlineNanos,
                this.deadlineEpochMillis, traceContext);
    }

    /** Takes the trace context of a PX frame, already checked by {@code PirateExtension.traceContext}. */
    RequestContext withTraceContext(byte[] traceContext) {
        return (traceContext != null) ? withTraceContext(new String(traceContext, StandardCharsets.US_ASCII)) : this;
    }

    /**
     * Returns the trace context the caller sent with the request (PX/1, {@code docs/rfc/px-1.md}
     * section 3.1): a W3C {@code traceparent} value, for a tracer to make the handler's span a child of
     * the caller's.
     * @return the trace context, or empty if the caller, the broker or the worker's protocol sent none
     */
    public Optional<String> traceContext() {
        return Optional.ofNullable(this.traceContext);
    }

    /**
     * Returns the service the request was sent to.
     * @return the service name
     */
    public String service() {
        return this.service;
    }

    /**
     * Returns the id the caller gave the request: the same for every attempt of one call.
     * @return a copy of the id, or empty if the broker sent none
     */
    public Optional<byte[]> requestId() {
        return (this.requestId != null) ? Optional.of(this.requestId.clone()) : Optional.empty();
    }

    /**
     * Returns the request id as lowercase hexadecimal, for logs and correlation.
     * @return the id in hex, or empty if the broker sent none
     */
    public Optional<String> requestIdHex() {
        return (this.requestId != null) ? Optional.of(HEX.formatHex(this.requestId)) : Optional.empty();
    }

    /**
     * Returns when the caller stops waiting for the reply, on the wall clock.
     * @return the deadline, or empty if the request has none
     */
    public Optional<Instant> deadline() {
        return this.hasDeadline ? Optional.of(Instant.ofEpochMilli(this.deadlineEpochMillis)) : Optional.empty();
    }

    /**
     * Returns how long the caller still waits for the reply.
     * @return the time left, zero once the deadline has passed, or empty if the request has none
     */
    public Optional<Duration> timeLeft() {
        if (!this.hasDeadline) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(0, this.deadlineNanos - System.nanoTime())));
    }

    /**
     * Tells whether the caller has stopped waiting: a handler may check it before costly work.
     * @return {@code true} if the request has a deadline and it has passed; never for a request without one
     */
    public boolean isExpired() {
        return this.hasDeadline && System.nanoTime() - this.deadlineNanos >= 0;
    }

    @Override
    public String toString() {
        return "RequestContext[service=" + this.service + ", requestId=" + requestIdHex().orElse("none")
                + ", deadline=" + (this.hasDeadline ? deadline().get().toString() : "none") + "]";
    }
}
