package dev.pirate.benchmarks.faults;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pirate.client.MajordomoClient;

/**
 * Normal callers in the background: a fixed number of asynchronous requests through one
 * {@link MajordomoClient}, a bounded number in flight, a pause between sends. Scenarios apply their
 * fault while it runs, at a chosen share of the requests sent.
 */
final class CallerLoad {

    private final MajordomoClient client;

    private final Ledger ledger;

    private final String group;

    private final String service;

    private final int count;

    private final Semaphore inFlight;

    private final int maxInFlight;

    private final Duration pause;

    private final int bodySize;

    private final AtomicInteger sent = new AtomicInteger();

    private final Thread thread;

    CallerLoad(MajordomoClient client, Ledger ledger, String group, String service, int count, int inFlight,
            Duration pause, int bodySize) {
        this.client = client;
        this.ledger = ledger;
        this.group = group;
        this.service = service;
        this.count = count;
        this.maxInFlight = inFlight;
        this.inFlight = new Semaphore(inFlight);
        this.pause = pause;
        this.bodySize = bodySize;
        this.thread = new Thread(this::run, "fault-load-" + group);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            for (int i = 0; i < this.count; i++) {
                // A call completes or times out within timeout x attempts; a minute is beyond any of ours.
                if (!this.inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
                    return;
                }
                long id = this.ledger.issue(this.group);
                this.sent.incrementAndGet();
                this.client.requestAsync(this.service, List.of(Bodies.of(id, this.bodySize)))
                    .whenComplete((reply, failure) -> {
                        if (failure == null) {
                            Calls.answered(this.ledger, id, reply);
                        }
                        else {
                            Calls.failed(this.ledger, id, failure);
                        }
                        this.inFlight.release();
                    });
                Thread.sleep(this.pause.toMillis());
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Requests sent so far. */
    int sent() {
        return this.sent.get();
    }

    /** Waits until a share of the requests has been sent (or the load ended early). */
    void awaitSent(double share, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sent() < this.count * share && this.thread.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /**
     * Waits until every request is sent and has its outcome.
     * @return {@code false} if the timeout passed first
     */
    boolean awaitDone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        this.thread.join(timeout.toMillis());
        long left = deadline - System.nanoTime();
        if (left > 0 && this.inFlight.tryAcquire(this.maxInFlight, left, TimeUnit.NANOSECONDS)) {
            this.inFlight.release(this.maxInFlight);
            return true;
        }
        return false;
    }
}
