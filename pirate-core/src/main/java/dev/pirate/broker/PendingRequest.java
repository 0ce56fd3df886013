package dev.pirate.broker;

/**
 * A client request held by the broker until a worker takes it, and while the worker handles it, so
 * it can be queued again if that worker dies.
 */
final class PendingRequest {

    /** What every held request costs beyond its body: the entry, its arrays and the client's share. */
    static final int OVERHEAD_BYTES = 128;

    /** What every body frame costs beyond its bytes. */
    static final int FRAME_OVERHEAD_BYTES = 16;

    final ClientEntry client;

    final byte[][] body;

    final long queuedAtNanos;

    /** Whether the client sent a PX frame and so may be told of a refusal. */
    final boolean pirateClient;

    /** What the request is charged against the broker's byte limit. */
    final long bytes;

    /** How often the request was handed to a worker. */
    int deliveries;

    PendingRequest(ClientEntry client, byte[][] body, long queuedAtNanos, boolean pirateClient) {
        this.client = client;
        this.body = body;
        this.queuedAtNanos = queuedAtNanos;
        this.pirateClient = pirateClient;
        this.bytes = chargeOf(body);
    }

    static long chargeOf(byte[][] body) {
        long bytes = OVERHEAD_BYTES;
        for (byte[] frame : body) {
            bytes += frame.length + FRAME_OVERHEAD_BYTES;
        }
        return bytes;
    }
}
