package dev.pirate.broker;

import dev.pirate.support.ByteKey;

/**
 * A registered worker, as the broker's loop sees it. Also a node of its service's idle list, so a
 * worker is removed from that list in O(1) wherever it stands.
 */
final class WorkerEntry {

    final ByteKey identity;

    final ServiceEntry service;

    long expiresAtNanos;

    /** Whether the worker negotiated PX/1 (its READY carried a PX frame): its REQUESTs carry one too. */
    boolean pirate;

    /** The request the worker is handling; {@code null} while it is idle. */
    PendingRequest request;

    WorkerEntry idlePrevious;

    WorkerEntry idleNext;

    boolean idle;

    WorkerEntry(ByteKey identity, ServiceEntry service) {
        this.identity = identity;
        this.service = service;
    }
}
