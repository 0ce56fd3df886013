package dev.pirate.cli.bench;

import java.time.Duration;
import java.util.List;

/**
 * The load of {@code pirate bench}, for benchmarks outside this command line that drive their own
 * targets: C threads, each making one synchronous round trip at a time, so C requests are in flight,
 * with every latency in an HdrHistogram.
 * <pre>{@code
 * List<RoundTrip> trips = ...;   // one per request in flight
 * BenchReport report = ClosedLoopBench.run(trips, 2000, Duration.ofSeconds(2));
 * System.out.println(report.json());
 * }</pre>
 * Running the same load code as {@code pirate bench} keeps figures from both comparable.
 */
public final class ClosedLoopBench {

    private ClosedLoopBench() {
    }

    /**
     * Sends unmeasured warm-up requests, then measures for a while; each round trip is used by one
     * thread at a time. The threads are started and joined within this call.
     * @param roundTrips one per request in flight, at least one; left open for the caller to close
     * @param warmupRequests requests sent before measuring, none if 0
     * @param duration how long to measure
     * @return the figures of the measured phase
     * @throws IllegalArgumentException if there is no round trip or an argument is negative
     * @throws RuntimeException the first warm-up failure, which ends the run before measuring
     */
    public static BenchReport run(List<? extends RoundTrip> roundTrips, long warmupRequests, Duration duration) {
        if (roundTrips.isEmpty()) {
            throw new IllegalArgumentException("At least one round trip is needed");
        }
        if (warmupRequests < 0 || duration.isNegative()) {
            throw new IllegalArgumentException("Warm-up and duration must not be negative, were " + warmupRequests
                    + " and " + duration);
        }
        // Not closed: closing a ThreadsDriver closes its round trips, which the caller owns.
        LoadDriver driver = new ThreadsDriver(List.copyOf(roundTrips));
        BenchRun.warmUp(driver, warmupRequests);
        return BenchRun.measure(driver, Schedule.ofDuration(duration), null);
    }
}
