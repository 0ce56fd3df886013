package dev.pirate.benchmarks.springpath;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.pirate.broker.BrokerSnapshot;
import dev.pirate.broker.MajordomoBroker;

/**
 * Waits until the broker has every worker connection of a service, so no measured request waits
 * for a connection that is still registering.
 */
final class Registration {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private Registration() {
    }

    /**
     * Polls the broker's snapshot until the service has the workers, or the deadline passes.
     * @param broker the broker
     * @param service the service
     * @param workers how many workers it should have
     * @param timeout how long to wait at most
     * @throws IllegalStateException if they have not all registered in time
     */
    static void await(MajordomoBroker broker, String service, int workers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int registered;
        while ((registered = workersOf(broker.snapshot(), service)) < workers) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Only " + registered + " of " + workers + " workers of '" + service
                        + "' registered with the broker within " + timeout.toSeconds() + " s");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private static int workersOf(BrokerSnapshot snapshot, String service) {
        for (BrokerSnapshot.Service entry : snapshot.services()) {
            if (entry.name().equals(service)) {
                return entry.idleWorkers() + entry.busyWorkers();
            }
        }
        return 0;
    }
}
