package dev.pirate.benchmarks.springpath;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.pirate.cli.bench.BenchReport;

/**
 * The human summary: for each load, every variant's medians, its throughput and CPU time per
 * request against the baseline (the first variant), and the throughput ratio of each round's pair and
 * their median: the spread shows the noise, and the median of the pairs is less swayed by a round
 * that something else on the machine slowed down.
 */
final class Summary {

    private final Results results;

    private final List<String> variants;

    /**
     * Creates the summary.
     * @param results the rounds
     * @param variants the variant names, the baseline first
     */
    Summary(Results results, List<String> variants) {
        this.results = results;
        this.variants = List.copyOf(variants);
    }

    /**
     * Prints one line per variant and load.
     * @param out where to print
     */
    void print(PrintStream out) {
        String baseline = this.variants.get(0);
        out.printf(Locale.ROOT, "%6s %9s  %-18s %9s %9s %9s %10s %8s %9s  %s%n", "body", "in flight", "variant",
                "req/s", "p50 us", "p99 us", "÷ " + baseline, "CPU us", "CPU ÷", "req/s ÷ per round (median)");
        for (Results.Key key : this.results.keys()) {
            Results.Key base = new Results.Key(baseline, key.size(), key.inFlight());
            BenchReport median = this.results.median(key);
            BenchReport baseMedian = this.results.median(base);
            out.printf(Locale.ROOT, "%4d B %9d  %-18s %9.0f %9.1f %9.1f %10s %8.1f %9s  %s%n", key.size(),
                    key.inFlight(), key.variant(), median.throughput(), median.p50(), median.p99(),
                    ratio(median.throughput(), baseMedian.throughput()), this.results.cpuPerRequest(key),
                    ratio(this.results.cpuPerRequest(key), this.results.cpuPerRequest(base)), roundRatios(key, base));
        }
    }

    private String roundRatios(Results.Key key, Results.Key base) {
        if (key.equals(base)) {
            return "";
        }
        List<BenchReport> rounds = this.results.rounds(key);
        List<BenchReport> baseRounds = this.results.rounds(base);
        int pairs = Math.min(rounds.size(), baseRounds.size());
        List<String> shown = new ArrayList<>();
        double[] ratios = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            ratios[i] = rounds.get(i).throughput() / baseRounds.get(i).throughput();
            shown.add(String.format(Locale.ROOT, "%.3f", ratios[i]));
        }
        return (pairs == 0) ? "" : String.join(" ", shown)
                + String.format(Locale.ROOT, " (%.3f)", Results.median(ratios));
    }

    private static String ratio(double value, double baseline) {
        return (baseline > 0) ? String.format(Locale.ROOT, "%.3f", value / baseline) : "n/a";
    }
}
