package dev.pirate.cli.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * Prints one progress line on stderr about once a second while the measured phase runs, from the
 * latencies recorded in that second; stdout stays free for the result.
 */
final class Progress implements AutoCloseable {

    private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Measurement measurement;

    private final PrintWriter err;

    private final CountDownLatch done = new CountDownLatch(1);

    private final Thread thread;

    private Progress(Measurement measurement, PrintWriter err) {
        this.measurement = measurement;
        this.err = err;
        this.thread = new Thread(this::run, "pirate-bench-progress");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Starts printing.
     * @param measurement what to report on
     * @param err where to print
     * @return the running progress; close it to stop
     */
    static Progress start(Measurement measurement, PrintWriter err) {
        return new Progress(measurement, err);
    }

    private void run() {
        long start = System.nanoTime();
        long last = start;
        try {
            while (!this.done.await(PERIOD_NANOS, TimeUnit.NANOSECONDS)) {
                long now = System.nanoTime();
                Histogram interval = this.measurement.takeInterval();
                print(now - start, interval, now - last);
                last = now;
            }
        }
        catch (InterruptedException ex) {
            // Only close() stops this thread, and it does so with the latch.
        }
    }

    private void print(long elapsedNanos, Histogram interval, long intervalNanos) {
        this.err.println(String.format(Locale.ROOT, "[%4.0fs] %9.1f requests/s  p50 %8.1f us  p99 %8.1f us  "
                + "ok %d  failed %d", elapsedNanos / 1e9, interval.getTotalCount() * 1e9 / intervalNanos,
                interval.getValueAtPercentile(50) / 1e3, interval.getValueAtPercentile(99) / 1e3,
                this.measurement.total().getTotalCount(), this.measurement.failed()));
        this.err.flush();
    }

    /**
     * Stops printing and waits for the thread, so the caller owns the measurement again.
     */
    @Override
    public void close() {
        this.done.countDown();
        try {
            this.thread.join();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
