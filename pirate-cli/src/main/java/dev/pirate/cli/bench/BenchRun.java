package dev.pirate.cli.bench;

import java.io.PrintWriter;

import dev.pirate.cli.ExitCodes;

/**
 * Runs a benchmark's two phases with one driver, the unmeasured warm-up and the measured phase,
 * and prints the result: a short summary for people, then the JSON line as the very last line of
 * stdout, for scripts.
 */
final class BenchRun {

    private final LoadPlan plan;

    private final PrintWriter out;

    private final PrintWriter err;

    BenchRun(LoadPlan plan, PrintWriter out, PrintWriter err) {
        this.plan = plan;
        this.out = out;
        this.err = err;
    }

    /**
     * Warms up, measures and prints.
     * @param target what is measured, for the summary
     * @param driver keeps the requests in flight
     * @return {@link ExitCodes#OK} if every measured request succeeded, else {@link ExitCodes#FAILURE}
     * @throws RuntimeException the first warm-up failure, which ends the run before measuring
     */
    int execute(String target, LoadDriver driver) {
        warmUp(driver, this.plan.warmup());
        if (this.err != null) {
            // Scripts that watch other processes while this one measures wait for this line.
            this.err.println("measuring " + target);
            this.err.flush();
        }
        BenchReport report = measure(driver, this.plan.schedule(), this.err);
        this.out.println(target + ": " + this.plan.describe());
        this.out.println(report.summary());
        this.out.println(report.json());
        this.out.flush();
        return (report.failed() == 0) ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    /**
     * Sends a number of unmeasured requests with a driver.
     * @param driver keeps the requests in flight
     * @param requests how many, possibly none
     * @throws RuntimeException the first failure, which ends the warm-up at once
     */
    static void warmUp(LoadDriver driver, long requests) {
        if (requests > 0) {
            Schedule warmup = Schedule.ofCount(requests);
            Warmup outcomes = new Warmup(warmup);
            warmup.start();
            driver.run(warmup, outcomes);
            outcomes.rethrowFailure();
        }
    }

    /**
     * Runs the measured phase with a driver.
     * @param driver keeps the requests in flight
     * @param schedule the requests to send, not yet started
     * @param progress where a progress line goes about once a second, or {@code null} for none
     * @return the figures of the phase
     */
    static BenchReport measure(LoadDriver driver, Schedule schedule, PrintWriter progress) {
        Measurement measurement = new Measurement();
        long elapsed;
        // A null resource is allowed, and skipped on close.
        try (Progress running = (progress != null) ? Progress.start(measurement, progress) : null) {
            long start = System.nanoTime();
            schedule.start();
            driver.run(schedule, measurement);
            elapsed = System.nanoTime() - start;
        }
        return measurement.report(elapsed);
    }
}
