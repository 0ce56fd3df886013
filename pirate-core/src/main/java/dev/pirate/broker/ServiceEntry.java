package dev.pirate.broker;

import java.util.ArrayDeque;

/**
 * One service of the broker: its requests waiting in FIFO order and its idle workers in
 * least-recently-used order. Every operation is O(1).
 */
final class ServiceEntry {

    final String name;

    final byte[] nameFrame;

    final ArrayDeque<PendingRequest> requests = new ArrayDeque<>();

    private WorkerEntry idleHead;

    private WorkerEntry idleTail;

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

    void addIdle(WorkerEntry worker) {
        worker.idle = true;
        worker.idlePrevious = this.idleTail;
        worker.idleNext = null;
        if (this.idleTail == null) {
            this.idleHead = worker;
        }
        else {
            this.idleTail.idleNext = worker;
        }
        this.idleTail = worker;
        this.idleWorkers++;
    }

    WorkerEntry pollIdle() {
        WorkerEntry worker = this.idleHead;
        if (worker != null) {
            removeIdle(worker);
        }
        return worker;
    }

    void removeIdle(WorkerEntry worker) {
        if (!worker.idle) {
            return;
        }
        if (worker.idlePrevious == null) {
            this.idleHead = worker.idleNext;
        }
        else {
            worker.idlePrevious.idleNext = worker.idleNext;
        }
        if (worker.idleNext == null) {
            this.idleTail = worker.idlePrevious;
        }
        else {
            worker.idleNext.idlePrevious = worker.idlePrevious;
        }
        worker.idlePrevious = null;
        worker.idleNext = null;
        worker.idle = false;
        this.idleWorkers--;
    }

    boolean isUnused() {
        return this.workers == 0 && this.requests.isEmpty();
    }
}
