package dev.pirate.cli.bench;

import java.util.ArrayList;
import java.util.List;

import dev.pirate.support.Loops;

/**
 * Keeps C requests in flight with C threads, each sending one request at a time and waiting for
 * its reply: a closed loop, the way C synchronous callers would use the target.
 * <p>
 * Threads are started anew for each phase; starting and joining them hands each round trip, and
 * the socket it may own, safely from one thread to the next.
 */
final class ThreadsDriver implements LoadDriver {

    private final List<RoundTrip> roundTrips;

    /**
     * Creates a driver.
     * @param roundTrips one per thread; the driver closes them
     */
    ThreadsDriver(List<RoundTrip> roundTrips) {
        this.roundTrips = List.copyOf(roundTrips);
    }

    @Override
    public void run(Schedule schedule, Outcomes outcomes) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < this.roundTrips.size(); i++) {
            RoundTrip roundTrip = this.roundTrips.get(i);
            Thread thread = new Thread(() -> send(roundTrip, schedule, outcomes), "pirate-bench-" + (i + 1));
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            Loops.joinUninterruptibly(thread);
        }
    }

    private static void send(RoundTrip roundTrip, Schedule schedule, Outcomes outcomes) {
        long intended;
        while ((intended = schedule.next()) >= 0) {
            try {
                roundTrip.call();
                outcomes.success(System.nanoTime() - intended);
            }
            catch (RuntimeException ex) {
                outcomes.failure(ex);
            }
        }
    }
    @Override
    public void close() {
        this.roundTrips.forEach(RoundTrip::close);
    }
}
