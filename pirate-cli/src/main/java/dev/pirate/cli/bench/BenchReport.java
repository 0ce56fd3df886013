package dev.pirate.cli.bench;

import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * The result of a benchmark, in the units it is printed in.
 *
 * @param requests requests measured, successful or not (warm-up excluded)
 * @param ok requests answered with the expected echo
 * @param failed requests that failed or came back wrong
 * @param seconds length of the measured phase
 * @param throughput successful requests per second
 * @param p50 median latency of the successful requests, in microseconds
 * @param p99 99th percentile latency, in microseconds
 * @param p999 99.9th percentile latency, in microseconds
 * @param max highest latency, in microseconds
 */
public record BenchReport(long requests, long ok, long failed, double seconds, double throughput, double p50,
        double p99, double p999, double max) {

    private static final double NANOS_PER_MICRO = 1_000.0;

    static BenchReport of(Histogram latencies, long failed, long elapsedNanos) {
        long ok = latencies.getTotalCount();
        double seconds = elapsedNanos / 1e9;
        return new BenchReport(ok + failed, ok, failed, seconds, (seconds > 0) ? ok / seconds : 0,
                micros(latencies, 50), micros(latencies, 99), micros(latencies, 99.9),
                latencies.getMaxValue() / NANOS_PER_MICRO);
    }

    private static double micros(Histogram latencies, double percentile) {
        return latencies.getValueAtPercentile(percentile) / NANOS_PER_MICRO;
    }

    /**
     * Renders the machine-readable line, always the last line a benchmark prints on stdout.
     * @return one JSON object on one line
     */
    public String json() {
        return String.format(Locale.ROOT, "{\"requests\":%d,\"ok\":%d,\"failed\":%d,\"seconds\":%.3f,"
                + "\"throughput\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f}",
                this.requests, this.ok, this.failed, this.seconds, this.throughput, this.p50, this.p99, this.p999,
                this.max);
    }

    /**
     * Renders the summary for people.
     * @return two lines
     */
    public String summary() {
        return String.format(Locale.ROOT, "%d requests (%d ok, %d failed) in %.3f s: %.1f requests/s%n"
                + "latency in us: p50 %.1f, p99 %.1f, p99.9 %.1f, max %.1f", this.requests, this.ok, this.failed,
                this.seconds, this.throughput, this.p50, this.p99, this.p999, this.max);
    }
}
