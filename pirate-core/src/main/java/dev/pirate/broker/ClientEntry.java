package dev.pirate.broker;

import java.util.ArrayDeque;
import java.util.Arrays;

import dev.pirate.support.ByteKey;

/**
 * A client connection that has requests in the broker or replies the broker could not hand to it
 * yet. It exists only while it holds something, so the table of clients is bounded by the
 * requests and bytes the broker holds.
 */
final class ClientEntry {

    final ByteKey identity;

    /** Accepted requests not yet answered: queued, with a worker, or answered into the backlog. */
    int outstanding;

    /** Messages the client's pipe could not take yet, in the order they must arrive. */
    final ArrayDeque<Unsent> backlog = new ArrayDeque<>();

    /** Whether the entry is in the engine's list of clients with a backlog. */
    boolean backlogged;

    ClientEntry(ByteKey identity) {
        this.identity = identity;
    }

    boolean isUnused() {
        return this.outstanding == 0 && this.backlog.isEmpty();
    }

    /**
     * A reply or refusal waiting for room in the client's pipe; {@link #copies} of it, because a
     * client that floods without reading is refused the same way many times in a row, and each of
     * those refusals must reach it without costing the broker memory per refusal.
     */
    static final class Unsent {

        final byte[] serviceFrame;

        final byte[][] body;

        /** What it is charged against the broker's byte limit, all copies together. */
        final long bytes;

        /** Whether it answers an accepted request, which stays outstanding until sent. */
        final boolean answersRequest;

        int copies = 1;

        Unsent(byte[] serviceFrame, byte[][] body, long bytes, boolean answersRequest) {
            this.serviceFrame = serviceFrame;
            this.body = body;
            this.bytes = bytes;
            this.answersRequest = answersRequest;
        }

        /** Tells whether a refusal of a request the broker never took is this one again. */
        boolean sameRefusal(byte[] otherServiceFrame, byte[][] otherBody) {
            return !this.answersRequest && Arrays.equals(this.serviceFrame, otherServiceFrame)
                    && Arrays.deepEquals(this.body, otherBody);
        }
    }
}
