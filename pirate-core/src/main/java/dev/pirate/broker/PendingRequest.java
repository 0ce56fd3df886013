package dev.pirate.broker;

import dev.pirate.support.ByteKey;

/**
 * A client request held by the broker until a worker takes it, and while the worker handles it, so
 * it can be queued again if that worker dies.
 */
final class PendingRequest {

    /** What every held request costs beyond its body: the entry, its arrays and the client's share. */
    static final int OVERHEAD_BYTES = 128;

    /** What every body frame costs beyond its bytes. */
    static final int FRAME_OVERHEAD_BYTES = 16;

    final ServiceEntry service;

    /** The client connection the answer goes to: the newest attempt's, when a retry coalesced. */
    ClientEntry client;

    final byte[][] body;

    final long queuedAtNanos;

    /** Whether the client sent a PX frame and so may be told of a refusal. */
    boolean pirateClient;

    /** The call's PX/1 request id, or {@code null}. */
    final ByteKey requestId;

    /** The caller's PX/1 trace context, forwarded as is to a PX/1 worker, or {@code null}. */
    byte[] traceContext;

    /** Whether the caller gave a deadline; then {@link #deadlineNanos} holds it. */
    boolean hasDeadline;

    long deadlineNanos;

    /** What the request is charged against the broker's byte limit. */
    final long bytes;

    /**
     * The client address the worker was given with the request, which its REPLY names: the client
     * of the attempt that was current when the request was handed over, whatever retries joined since.
     */
    byte[] envelope;

    /** The ticket of the worker slot the request occupies (PX/1 section 5.1), or -1 while no worker holds it. */
    long ticket = -1;

    /** How often the request was handed to a worker. */
    int deliveries;

    PendingRequest(ServiceEntry service, ClientEntry client, byte[][] body, long queuedAtNanos, boolean pirateClient,
            ByteKey requestId) {
        this.service = service;
        this.client = client;
        this.body = body;
        this.queuedAtNanos = queuedAtNanos;
        this.pirateClient = pirateClient;
        this.requestId = requestId;
        this.bytes = chargeOf(body);
    }

    /** Takes the deadline of the newest attempt, relative milliseconds from {@code now}. */
    void deadline(long now, long millis) {
        if (millis >= 0) {
            this.hasDeadline = true;
            this.deadlineNanos = now + millis * 1_000_000L;
        }
    }

    boolean isPastDeadline(long now) {
        return this.hasDeadline && now - this.deadlineNanos > 0;
    }

    /** Milliseconds left to the deadline, for the worker; -1 without one. */
    long remainingMillis(long now) {
        return this.hasDeadline ? Math.max(0, (this.deadlineNanos - now) / 1_000_000L) : -1;
    }

    static long chargeOf(byte[][] body) {
        long bytes = OVERHEAD_BYTES;
        for (byte[] frame : body) {
            bytes += frame.length + FRAME_OVERHEAD_BYTES;
        }
        return bytes;
    }
}
