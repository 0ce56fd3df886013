package dev.pirate.benchmarks.springpath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import dev.pirate.cli.bench.BenchReport;

/**
 * The rounds measured for each variant, body size and number in flight, and their medians: what
 * {@code pirate bench} reports, and the process CPU time per request.
 */
final class Results {

    /** A variant at one load. */
    record Key(String variant, int size, int inFlight) {
    }

    private final Map<Key, List<BenchReport>> rounds = new LinkedHashMap<>();

    private final Map<Key, List<Double>> cpu = new LinkedHashMap<>();

    /**
     * Records one round.
     * @param key the variant and load
     * @param report what the round measured
     * @param cpuMicrosPerRequest process CPU time per request sent in the round, or a negative value if
     *     unknown
     */
    void add(Key key, BenchReport report, double cpuMicrosPerRequest) {
        this.rounds.computeIfAbsent(key, (k) -> new ArrayList<>()).add(report);
        this.cpu.computeIfAbsent(key, (k) -> new ArrayList<>()).add(cpuMicrosPerRequest);
    }

    /**
     * Returns the median process CPU time per request of a variant at a load.
     * @param key the variant and load
     * @return microseconds, or a negative value if unknown
     */
    double cpuPerRequest(Key key) {
        List<Double> all = this.cpu.getOrDefault(key, List.of());
        return all.isEmpty() ? -1 : median(all.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Returns the rounds of a variant at a load, in the order measured.
     * @param key the variant and load
     * @return the rounds, possibly none
     */
    List<BenchReport> rounds(Key key) {
        return this.rounds.getOrDefault(key, List.of());
    }

    /**
     * Returns every variant and load measured, in the order first measured.
     * @return the keys
     */
    List<Key> keys() {
        return List.copyOf(this.rounds.keySet());
    }

    /**
     * Combines the rounds of a variant at a load: counts and seconds summed, the maximum latency the
     * highest, and throughput and the percentiles the medians of the rounds, as bench/compare.sh
     * takes them over separate runs.
     * @param key the variant and load
     * @return the combined report
     */
    BenchReport median(Key key) {
        List<BenchReport> all = rounds(key);
        return new BenchReport(sum(all, BenchReport::requests), sum(all, BenchReport::ok),
                sum(all, BenchReport::failed), all.stream().mapToDouble(BenchReport::seconds).sum(),
                median(all, BenchReport::throughput), median(all, BenchReport::p50), median(all, BenchReport::p99),
                median(all, BenchReport::p999), all.stream().mapToDouble(BenchReport::max).max().orElse(0));
    }

    /**
     * Renders the machine-readable line of a variant at a load: {@code pirate bench}'s fields, after
     * the variant, the load and the number of rounds, and before the CPU time per request.
     * @param key the variant and load
     * @return one JSON object on one line
     */
    String json(Key key) {
        String bench = median(key).json();
        return String.format(Locale.ROOT, "{\"variant\":\"%s\",\"size\":%d,\"in_flight\":%d,\"runs\":%d,%s,"
                + "\"cpu_us_per_request\":%.1f}", key.variant(), key.size(), key.inFlight(), rounds(key).size(),
                bench.substring(1, bench.length() - 1), cpuPerRequest(key));
    }

    /**
     * Returns the middle value, or the mean of the two middle ones for an even count.
     * @param values at least one
     * @return the median
     */
    static double median(double... values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double median(List<BenchReport> reports, ToDoubleFunction<BenchReport> figure) {
        return reports.isEmpty() ? 0 : median(reports.stream().mapToDouble(figure).toArray());
    }

    private static long sum(List<BenchReport> reports, ToLongFunction<BenchReport> count) {
        return reports.stream().mapToLong(count).sum();
    }
}
