package dev.pirate.cli.bench;

import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The outcomes of the measured phase: a count of failures and an HdrHistogram of the latencies of
 * the successful requests, kept to three significant digits.
 * <p>
 * Senders record through a {@link Recorder}, which is wait-free for them; one reader at a time
 * (the progress line, then the final report) takes what was recorded since its last look.
 */
final class Measurement implements Outcomes {

    private static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);

    private final LongAdder failed = new LongAdder();

    private final Histogram total = new Histogram(SIGNIFICANT_DIGITS);

    private Histogram interval;

    @Override
    public void success(long latencyNanos) {
        this.recorder.recordValue(latencyNanos);
    }

    @Override
    public void failure(RuntimeException cause) {
        this.failed.increment();
    }

    /**
     * Takes the latencies recorded since the last call and adds them to the total.
     * @return those latencies, valid until the next call
     */
    synchronized Histogram takeInterval() {
        this.interval = this.recorder.getIntervalHistogram(this.interval);
        this.total.add(this.interval);
        return this.interval;
    }

    /**
     * Returns every latency taken so far by {@link #takeInterval()}.
     * @return the running total; read it under this object's lock or after the senders stopped
     */
    synchronized Histogram total() {
        return this.total;
    }

    /**
     * Returns the number of failed requests so far.
     * @return failures
     */
    long failed() {
        return this.failed.sum();
    }

    /**
     * Reports the phase once every sender has stopped.
     * @param elapsedNanos how long the phase took
     * @return the report
     */
    synchronized BenchReport report(long elapsedNanos) {
        takeInterval();
        return BenchReport.of(this.total, failed(), elapsedNanos);
    }
}
