package dev.pirate.broker;

import java.util.ArrayDeque;

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
     * A reply or refusal waiting for room in the client's pipe.
     *
     * @param serviceFrame the service frame of the reply
     * @param body the body frames
     * @param bytes what it is charged against the broker's byte limit
     * @param answersRequest whether it answers an accepted request (which stays outstanding until sent)
     */
    record Unsent(byte[] serviceFrame, byte[][] body, long bytes, boolean answersRequest) {
    }
}
