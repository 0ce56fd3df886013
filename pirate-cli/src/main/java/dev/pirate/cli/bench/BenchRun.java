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
        if (this.plan.warmup() > 0) {
            Schedule warmup = Schedule.ofCount(this.plan.warmup());
            Warmup outcomes = new Warmup(warmup);
            warmup.start();
            driver.run(warmup, outcomes);
            outcomes.rethrowFailure();
        }
        Measurement measurement = new Measurement();
        Schedule schedule = this.plan.schedule();
        long elapsed;
        try (Progress progress = Progress.start(measurement, this.err)) {
            long start = System.nanoTime();
            schedule.start();
            driver.run(schedule, measurement);
            elapsed = System.nanoTime() - start;
        }
        BenchReport report = measurement.report(elapsed);
        this.out.println(target + ": " + this.plan.describe());
        this.out.println(report.summary());
        this.out.println(report.json());
        this.out.flush();
        return (report.failed() == 0) ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
