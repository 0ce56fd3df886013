package dev.pirate.cli.bench;

import java.nio.ByteBuffer;
import java.time.Duration;

import dev.pirate.client.MajordomoPipeline;

/**
 * Keeps C requests in flight through a broker on one {@link MajordomoPipeline} socket: the same
 * client shape as the plain JeroMQ ceiling, so the two figures differ by the broker and the workers
 * only, not by how the load generator waits for replies.
 * <p>
 * Workers answer in any order, so each request's body starts with the 4-byte number of its slot
 * (0 to C-1); an echo carries the slot back, which finds the request's send time and frees the slot
 * for the next request. Runs on the calling thread, which owns the pipeline.
 */
final class PipelinedMdpDriver implements LoadDriver {

    /** Bytes of the slot number at the start of every body. */
    static final int TAG_BYTES = Integer.BYTES;

    private final MajordomoPipeline pipeline;

    private final String service;

    private final Duration timeout;

    private final byte[][] bodies;

    private final long[] started;

    private final boolean[] inFlight;

    /**
     * Prepares one body per slot.
     * @param pipeline the connected pipeline; closed with this driver
     * @param service the echo service
     * @param size the body size, at least {@link #TAG_BYTES}
     * @param concurrency requests in flight
     * @param timeout how long to wait for any reply before the rest count as failed
     */
    PipelinedMdpDriver(MajordomoPipeline pipeline, String service, int size, int concurrency, Duration timeout) {
        if (size < TAG_BYTES) {
            pipeline.close();
            throw new IllegalArgumentException("--pipeline needs --size of at least " + TAG_BYTES
                    + " bytes: each body carries its slot number");
        }
        this.pipeline = pipeline;
        this.service = service;
        this.timeout = timeout;
        this.bodies = new byte[concurrency][];
        for (int slot = 0; slot < concurrency; slot++) {
            this.bodies[slot] = new byte[size];
            ByteBuffer.wrap(this.bodies[slot]).putInt(slot);
        }
        this.started = new long[concurrency];
        this.inFlight = new boolean[concurrency];
    }

    @Override
    public void run(Schedule schedule, Outcomes outcomes) {
        int concurrency = this.started.length;
        int[] free = new int[concurrency];
        for (int slot = 0; slot < concurrency; slot++) {
            free[slot] = concurrency - 1 - slot;
        }
        int freeCount = concurrency;
        boolean more = true;
        while (true) {
            while (more && freeCount > 0) {
                long intended = schedule.next();
                if (intended < 0) {
                    more = false;
                }
                else {
                    int slot = free[--freeCount];
                    this.started[slot] = intended;
                    this.inFlight[slot] = true;
                    this.pipeline.send(this.service, this.bodies[slot]);
                }
            }
            if (freeCount == concurrency) {
                return;
            }
            MajordomoPipeline.Reply reply = this.pipeline.receive(this.timeout);
            int slot = (reply == null) ? -1 : slotOf(reply);
            if (slot < 0 || !this.inFlight[slot]) {
                // A reply without a slot (a timeout, an error reply) leaves the requests still out
                // unmatchable: all of them count as failed and the run stops.
                RuntimeException cause = new IllegalStateException(unmatched(reply));
                for (; freeCount < concurrency; freeCount++) {
                    outcomes.failure(cause);
                }
                schedule.cancel();
                return;
            }
            outcomes.success(System.nanoTime() - this.started[slot]);
            this.inFlight[slot] = false;
            free[freeCount++] = slot;
        }
    }

    private static String unmatched(MajordomoPipeline.Reply reply) {
        if (reply == null) {
            return "No reply in time";
        }
        return reply.isError() ? "The service failed: " + reply.errorMessage()
                : "A reply that is not the echo of a request in flight";
    }

    private int slotOf(MajordomoPipeline.Reply reply) {
        if (reply.body().size() != 1) {
            return -1;
        }
        byte[] body = reply.body().get(0);
        if (body.length != this.bodies[0].length) {
            return -1;
        }
        int slot = (body[0] & 0xff) << 24 | (body[1] & 0xff) << 16 | (body[2] & 0xff) << 8 | (body[3] & 0xff);
        return (slot >= 0 && slot < this.started.length) ? slot : -1;
    }

    @Override
    public void close() {
        this.pipeline.close();
    }
}
