package dev.pirate.client;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Chooses the broker for each attempt of a client with several brokers, and keeps their record.
 * <p>
 * The policy: each attempt goes to the broker, of those not skipped, with the fewest attempts in
 * flight, ties broken round robin. A broker that has died keeps its attempts until they time out
 * (or until {@link BrokerWatch} sees its connection close, which ends them at once), so from the
 * moment it stops answering new attempts go to the others, long before a timeout could say it is
 * gone; a slow broker likewise gets less. A broker is skipped
 * once {@code failureThreshold} attempts in a row timed out on it, for {@code quarantine}; when the
 * quarantine is over, exactly one attempt probes it (the first to find it due) and the others keep
 * skipping it for another quarantine meanwhile. Any answer from a broker (a reply, a refusal, a
 * handler failure, "unknown service") proves it alive and ends its skipping at once; another timeout
 * starts a new quarantine. When every broker is skipped, the one whose quarantine ends first is
 * tried anyway: a call is never refused without an attempt.
 * <p>
 * Thread-safe and lock-free: O(brokers) per choice, no allocation.
 */
final class BrokerSelector {

    /** At most this many brokers, so a call can mark those it has excluded in one {@code long}. */
    static final int MAX_BROKERS = 64;

    private static final long NOT_SKIPPED = Long.MIN_VALUE;

    private final int brokers;

    private final int failureThreshold;

    private final long quarantineNanos;

    private final AtomicInteger cursor = new AtomicInteger();

    private final AtomicIntegerArray failures;

    /** Per broker: attempts sent and not yet ended. */
    private final AtomicIntegerArray inFlight;

    /** Per broker: until when it is skipped, on the {@link System#nanoTime()} clock, or {@link #NOT_SKIPPED}. */
    private final AtomicLongArray skippedUntil;

    BrokerSelector(int brokers, int failureThreshold, long quarantineNanos) {
        if (brokers < 1 || brokers > MAX_BROKERS) {
            throw new IllegalArgumentException("A client takes 1 to " + MAX_BROKERS + " brokers, not " + brokers);
        }
        this.brokers = brokers;
        this.failureThreshold = failureThreshold;
        this.quarantineNanos = quarantineNanos;
        this.failures = new AtomicIntegerArray(brokers);
        this.inFlight = new AtomicIntegerArray(brokers);
        this.skippedUntil = new AtomicLongArray(brokers);
        for (int i = 0; i < brokers; i++) {
            this.skippedUntil.set(i, NOT_SKIPPED);
        }
    }

    /**
     * Chooses the broker of the next attempt.
     * @param excluded brokers this call must not use (bit {@code i} for broker {@code i}), e.g. those
     *     that said they know no worker for the service
     * @param avoid a broker to use only if no other is available (the one whose attempt just timed
     *     out), or -1
     * @return the broker, or -1 if every broker is excluded
     */
    int choose(long excluded, int avoid) {
        long now = System.nanoTime();
        int start = Math.floorMod(this.cursor.getAndIncrement(), this.brokers);
        int least = -1;
        int leastInFlight = Integer.MAX_VALUE;
        for (int k = 0; k < this.brokers; k++) {
            int broker = (start + k) % this.brokers;
            int load = this.inFlight.get(broker);
            if (load < leastInFlight && broker != avoid && !isExcluded(excluded, broker)
                    && !isSkipped(broker)) {
                least = broker;
                leastInFlight = load;
            }
        }
        // A broker whose quarantine is over is probed first: one attempt tells whether it is back.
        for (int k = 0; k < this.brokers; k++) {
            int broker = (start + k) % this.brokers;
            if (broker != avoid && !isExcluded(excluded, broker) && isProbeDue(broker, now)
                    && takeIfAvailable(broker, now)) {
                return broker;
            }
        }
        if (least >= 0) {
            return least;
        }
        if (avoid >= 0 && !isExcluded(excluded, avoid) && takeIfAvailable(avoid, now)) {
            return avoid;
        }
        // Every usable broker is skipped: try the one whose quarantine ends first rather than none.
        int best = -1;
        long bestUntil = 0;
        for (int broker = 0; broker < this.brokers; broker++) {
            if (isExcluded(excluded, broker)) {
                continue;
            }
            long until = this.skippedUntil.get(broker);
            if (best < 0 || until - bestUntil < 0 || (best == avoid && until == bestUntil)) {
                best = broker;
                bestUntil = until;
            }
        }
        return best;
    }

    private static boolean isExcluded(long excluded, int broker) {
        return (excluded & (1L << broker)) != 0;
    }

    private boolean isProbeDue(int broker, long now) {
        long until = this.skippedUntil.get(broker);
        return until != NOT_SKIPPED && now - until >= 0;
    }

    /** Whether the broker may take an attempt now; a due probe is taken by one caller only. */
    private boolean takeIfAvailable(int broker, long now) {
        long until = this.skippedUntil.get(broker);
        if (until == NOT_SKIPPED) {
            return true;
        }
        if (now - until < 0) {
            return false;
        }
        // Quarantine over: this caller probes, everyone else skips it for another quarantine meanwhile.
        return this.skippedUntil.compareAndSet(broker, until, now + this.quarantineNanos);
    }

    /** An attempt was sent to the broker; {@link #ended(int)} must follow, whatever its outcome. */
    void started(int broker) {
        this.inFlight.incrementAndGet(broker);
    }

    /** An attempt on the broker ended: answered, timed out or failed. */
    void ended(int broker) {
        this.inFlight.decrementAndGet(broker);
    }

    /** Attempts sent to the broker and not yet ended. */
    int inFlight(int broker) {
        return this.inFlight.get(broker);
    }

    /** The broker answered an attempt: it is alive, whatever the answer said. */
    void answered(int broker) {
        if (this.failures.get(broker) != 0) {
            this.failures.set(broker, 0);
        }
        if (this.skippedUntil.get(broker) != NOT_SKIPPED) {
            this.skippedUntil.set(broker, NOT_SKIPPED);
        }
    }

    /** An attempt on the broker timed out. */
    void timedOut(int broker) {
        if (this.failures.incrementAndGet(broker) >= this.failureThreshold) {
            this.skippedUntil.set(broker, System.nanoTime() + this.quarantineNanos);
        }
    }

    /**
     * The client's connection to the broker closed (the broker's process died or closed it): skip
     * the broker for a quarantine at once, without waiting for attempts to time out.
     */
    void lost(int broker) {
        this.failures.set(broker, this.failureThreshold);
        this.skippedUntil.set(broker, System.nanoTime() + this.quarantineNanos);
    }

    /** Whether the broker is being skipped now (its probe may be due). */
    boolean isSkipped(int broker) {
        return this.skippedUntil.get(broker) != NOT_SKIPPED;
    }

    /** Attempts in a row that timed out on the broker. */
    int consecutiveFailures(int broker) {
        return this.failures.get(broker);
    }

    int brokers() {
        return this.brokers;
    }
}
