package dev.pirate.benchmarks.springpath;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import dev.pirate.cli.bench.BenchReport;
import dev.pirate.cli.bench.ClosedLoopBench;
import dev.pirate.cli.bench.Payload;
import dev.pirate.cli.bench.RoundTrip;

/**
 * Measures the variants in turn, with {@code pirate bench}'s load: for each body size and number in
 * flight, {@code runs} rounds, each variant once per round, in the listed order, then reversed, and
 * so on (A B C, C B A, A B C...), so that JIT compilation, garbage collection and whatever else the
 * machine does fall on every variant alike and none always goes first.
 */
final class Rounds {

    private final List<Variant> variants;

    private final int runs;

    private final long warmupRequests;

    private final Duration duration;

    private final PrintStream log;

    /**
     * Creates the rounds.
     * @param variants the variants, the first being the baseline
     * @param runs rounds per load
     * @param warmupRequests unmeasured requests before each measured round
     * @param duration measured time of each round
     * @param log where each round's figures go
     */
    Rounds(List<Variant> variants, int runs, long warmupRequests, Duration duration, PrintStream log) {
        this.variants = List.copyOf(variants);
        this.runs = runs;
        this.warmupRequests = warmupRequests;
        this.duration = duration;
        this.log = log;
    }

    /**
     * Loads every variant, unmeasured, in turn: the broker and the clients are shared code that any
     * variant warms, but each variant's own code (handler adapter, listener) only warms under its
     * own load.
     * @param time how long to load each variant
     * @param inFlight requests in flight meanwhile
     */
    void warm(Duration time, int inFlight) {
        if (time.isZero()) {
            return;
        }
        Payload payload = new Payload(16);
        for (Variant variant : this.variants) {
            BenchReport report = ClosedLoopBench.run(roundTrips(variant, payload, inFlight), 0, time);
            this.log.printf(Locale.ROOT, "warm-up %-18s %4d in flight: %8.0f req/s (not counted)%n", variant.name(),
                    inFlight, report.throughput());
        }
    }

    /**
     * Measures every variant at every load.
     * @param sizes body sizes in bytes
     * @param inFlights numbers of requests in flight
     * @return every round's figures
     */
    Results measure(List<Integer> sizes, List<Integer> inFlights) {
        Results results = new Results();
        for (int size : sizes) {
            Payload payload = new Payload(size);
            for (int inFlight : inFlights) {
                for (int round = 0; round < this.runs; round++) {
                    for (Variant variant : order(round)) {
                        long cpuBefore = ProcessCpu.nanos();
                        BenchReport report = ClosedLoopBench.run(roundTrips(variant, payload, inFlight),
                                this.warmupRequests, this.duration);
                        // Over the warm-up too: what the measured phase alone used cannot be told apart.
                        double cpu = (cpuBefore < 0) ? -1
                                : (ProcessCpu.nanos() - cpuBefore) / 1e3 / (this.warmupRequests + report.requests());
                        results.add(new Results.Key(variant.name(), size, inFlight), report, cpu);
                        this.log.printf(Locale.ROOT, "%5d B %4d in flight round %d %-18s %8.0f req/s  p50 %8.1f us"
                                + "  p99 %8.1f us  CPU %6.1f us/req%s%n", size, inFlight, round + 1, variant.name(),
                                report.throughput(), report.p50(), report.p99(), cpu,
                                (report.failed() > 0) ? "  " + report.failed() + " failed" : "");
                    }
                }
            }
        }
        return results;
    }

    private List<Variant> order(int round) {
        if (round % 2 == 0) {
            return this.variants;
        }
        List<Variant> reversed = new ArrayList<>(this.variants);
        Collections.reverse(reversed);
        return reversed;
    }

    /** One round trip per request in flight, since each is used by one driver thread. */
    private static List<RoundTrip> roundTrips(Variant variant, Payload payload, int inFlight) {
        List<RoundTrip> trips = new ArrayList<>(inFlight);
        for (int i = 0; i < inFlight; i++) {
            trips.add(variant.roundTrip(payload));
        }
        return trips;
    }
}
