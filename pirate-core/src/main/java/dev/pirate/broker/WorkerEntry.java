package dev.pirate.broker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.pirate.support.ByteKey;

/**
 * A registered worker, as the broker's loop sees it: the requests it holds, at most its credit, and
 * its place in its service's lists of workers with credit left, so it moves between them in O(1).
 * <p>
 * A worker that offered credit (PX/1 section 5.1) gets a ticket with every request: the slot the
 * request occupies and a generation, so a REPLY naming a slot whose request was answered already, or
 * never given, is recognised in O(1) without any allocation.
 */
final class WorkerEntry {

    private static final int SLOT_BITS = 16;

    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;

    final ByteKey identity;

    final ServiceEntry service;

    long expiresAtNanos;

    /** Whether the worker negotiated PX/1 (its READY carried a PX frame): its REQUESTs carry one too. */
    boolean pirate;

    /** Whether the worker offered credit: its REQUESTs carry tickets and its REPLYs must echo them. */
    final boolean ticketed;

    /** How many requests the broker gives the worker at once. */
    final int credit;

    /** The requests the worker holds, by slot. */
    private final PendingRequest[] slots;

    /** Free slots, a stack. */
    private final int[] free;

    private int freeCount;

    /** Requests the worker holds. */
    int held;

    private int generation;

    /** Links of the list the worker is in, one per load level of its service; see {@link ServiceEntry}. */
    WorkerEntry loadPrevious;

    WorkerEntry loadNext;

    /** The load level whose list holds the worker, or -1 while it is in none (no credit left). */
    int listedAt = -1;

    WorkerEntry(ByteKey identity, ServiceEntry service, boolean ticketed, int credit) {
        this.identity = identity;
        this.service = service;
        this.ticketed = ticketed;
        this.credit = credit;
        this.slots = new PendingRequest[credit];
        this.free = new int[credit];
        for (int i = 0; i < credit; i++) {
            this.free[i] = credit - 1 - i;
        }
        this.freeCount = credit;
    }

    boolean hasCredit() {
        return this.held < this.credit;
    }

    /**
     * Takes a request into a free slot; the caller checked {@link #hasCredit()}.
     * @return the request's ticket
     */
    long hold(PendingRequest request) {
        int slot = this.free[--this.freeCount];
        this.slots[slot] = request;
        this.held++;
        this.generation = (this.generation + 1) & SLOT_MASK;
        long ticket = ((long) this.generation << SLOT_BITS) | slot;
        request.ticket = ticket;
        return ticket;
    }

    /**
     * Returns the held request a ticket names.
     * @return the request, or {@code null} if the ticket names none the worker holds
     */
    PendingRequest heldByTicket(long ticket) {
        if (ticket < 0) {
            return null;
        }
        int slot = (int) (ticket & SLOT_MASK);
        if (slot >= this.slots.length) {
            return null;
        }
        PendingRequest request = this.slots[slot];
        return (request != null && request.ticket == ticket) ? request : null;
    }

    /**
     * Returns the one request a worker without tickets holds.
     * @return the request, or {@code null} while it holds none
     */
    PendingRequest onlyRequest() {
        return (this.held > 0) ? this.slots[0] : null;
    }

    /** Gives up a held request: it was answered, refused or requeued. */
    void release(PendingRequest request) {
        int slot = (int) (request.ticket & SLOT_MASK);
        this.slots[slot] = null;
        this.free[this.freeCount++] = slot;
        this.held--;
        request.ticket = -1;
    }

    /**
     * Releases every held request.
     * @return them, in the order the broker received them
     */
    List<PendingRequest> releaseAll() {
        List<PendingRequest> all = new ArrayList<>(this.held);
        for (PendingRequest request : this.slots) {
            if (request != null) {
                all.add(request);
            }
        }
        all.forEach(this::release);
        all.sort(Comparator.comparingLong((PendingRequest r) -> r.queuedAtNanos));
        return all;
    }
}
