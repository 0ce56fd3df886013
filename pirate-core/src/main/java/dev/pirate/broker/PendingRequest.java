package dev.pirate.broker;

/**
 * A client request held by the broker until a worker takes it, and while the worker handles it, so
 * it can be queued again if that worker dies.
 */
final class PendingRequest {

    final byte[] client;

    final byte[][] body;

    final long queuedAtNanos;

    PendingRequest(byte[] client, byte[][] body, long queuedAtNanos) {
        this.client = client;
        this.body = body;
        this.queuedAtNanos = queuedAtNanos;
    }
}
