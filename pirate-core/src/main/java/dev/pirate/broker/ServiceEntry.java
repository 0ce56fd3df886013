package dev.pirate.broker;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One service of the broker: its requests waiting in FIFO order and its workers with credit left,
 * in one list per load level (how many requests a worker holds), each list least-recently-used
 * first. The next request goes to the head of the lowest non-empty list: the least-loaded worker,
 * and among equals the one that waited longest. With credit 1 (MDP/0.1) only level 0 is used, and
 * the lists are the classic idle-worker queue. Every operation is O(1) (finding the lowest list is
 * amortised O(1)).
 */
final class ServiceEntry {

    final String name;

    final byte[] nameFrame;

    final ArrayDeque<PendingRequest> requests = new ArrayDeque<>();

    private WorkerEntry[] heads = new WorkerEntry[1];

    private WorkerEntry[] tails = new WorkerEntry[1];

    /** No list below this level has a worker. */
    private int lowest;

    /** Workers with credit left. */
    int available;

    /** Workers that hold no request. */
    int idleWorkers;

    int workers;

    long served;

    /** Since when the service has had no worker (valid while {@link #workers} is 0). */
    long orphanSinceNanos;

    /** Whether the PX/1 requests of this orphan service were refused when its grace ran out. */
    boolean orphanSwept;

    ServiceEntry(String name, byte[] nameFrame, long now) {
        this.name = name;
        this.nameFrame = nameFrame;
        this.orphanSinceNanos = now;
    }

    /** Lists a worker at its current load, last among equals, if it has credit left. */
    void addAvailable(WorkerEntry worker) {
        if (worker.listedAt >= 0 || !worker.hasCredit()) {
            return;
        }
        int level = worker.held;
        if (level >= this.heads.length) {
            int size = Math.max(level + 1, this.heads.length * 2);
            this.heads = Arrays.copyOf(this.heads, size);
            this.tails = Arrays.copyOf(this.tails, size);
        }
        worker.listedAt = level;
        worker.loadPrevious = this.tails[level];
        worker.loadNext = null;
        if (this.tails[level] == null) {
            this.heads[level] = worker;
        }
        else {
            this.tails[level].loadNext = worker;
        }
        this.tails[level] = worker;
        this.available++;
        if (level == 0) {
            this.idleWorkers++;
        }
        if (level < this.lowest) {
            this.lowest = level;
        }
    }

    /**
     * Takes the least-loaded worker off its list.
     * @return the worker, or {@code null} if none has credit left
     */
    WorkerEntry pollLeastLoaded() {
        if (this.available == 0) {
            return null;
        }
        while (this.heads[this.lowest] == null) {
            this.lowest++;
        }
        WorkerEntry worker = this.heads[this.lowest];
        removeAvailable(worker);
        return worker;
    }

    void removeAvailable(WorkerEntry worker) {
        int level = worker.listedAt;
        if (level < 0) {
            return;
        }
        if (worker.loadPrevious == null) {
            this.heads[level] = worker.loadNext;
        }
        else {
            worker.loadPrevious.loadNext = worker.loadNext;
        }
        if (worker.loadNext == null) {
            this.tails[level] = worker.loadPrevious;
        }
        else {
            worker.loadNext.loadPrevious = worker.loadPrevious;
        }
        worker.loadPrevious = null;
        worker.loadNext = null;
        worker.listedAt = -1;
        this.available--;
        if (level == 0) {
            this.idleWorkers--;
        }
    }

    boolean isUnused() {
        return this.workers == 0 && this.requests.isEmpty();
    }
}
