package dev.pirate.cli.bench;

import java.time.Duration;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import dev.pirate.cli.DurationConverter;

/**
 * The load options shared by {@code bench} and {@code bench-raw}, as a picocli mixin.
 */
final class LoadOptions {

    /** Large enough for any test on one machine; beyond it a typo is likelier than intent. */
    private static final int MAX_CONCURRENCY = 10_000;

    private static final int MAX_SIZE = 16 * 1024 * 1024;

    private static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);

    @ArgGroup(exclusive = true)
    private Amount amount;

    @Option(names = "--concurrency", defaultValue = "1", paramLabel = "C",
            description = "Requests in flight (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--size", defaultValue = "16", paramLabel = "BYTES",
            description = "Request body size; the reply echoes it (default: ${DEFAULT-VALUE}).")
    private int size;

    @Option(names = "--warmup", defaultValue = "1000", paramLabel = "N",
            description = "Requests sent before measuring, to warm up the JIT and the connections "
                    + "(default: ${DEFAULT-VALUE}).")
    private long warmup;

    @Option(names = "--timeout", defaultValue = "5s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a request may take before it counts as failed; never retried "
                    + "(default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    /** Either a number of requests or a duration. */
    static final class Amount {

        @Option(names = "--requests", required = true, paramLabel = "N", description = "Requests to measure.")
        private long requests;

        @Option(names = "--duration", required = true, paramLabel = "DURATION", converter = DurationConverter.class,
                description = "How long to measure (default: 10s, unless --requests is given).")
        private Duration duration;
    }

    /**
     * Validates the options.
     * @param spec the command, for usage errors
     * @param rate requests per second, or {@code null} for as fast as possible
     * @return the plan
     * @throws ParameterException if an option is out of range
     */
    LoadPlan plan(CommandSpec spec, Double rate) {
        long requests = (this.amount != null && this.amount.duration == null) ? this.amount.requests : 0;
        Duration duration = (this.amount != null && this.amount.duration != null) ? this.amount.duration
                : DEFAULT_DURATION;
        check(spec, this.amount == null || this.amount.duration != null || requests >= 1,
                "--requests must be at least 1, was " + requests);
        check(spec, this.concurrency >= 1 && this.concurrency <= MAX_CONCURRENCY,
                "--concurrency must be between 1 and " + MAX_CONCURRENCY + ", was " + this.concurrency);
        check(spec, this.size >= 0 && this.size <= MAX_SIZE,
                "--size must be between 0 and " + MAX_SIZE + " bytes, was " + this.size);
        check(spec, this.warmup >= 0, "--warmup must not be negative, was " + this.warmup);
        check(spec, rate == null || (rate > 0 && Double.isFinite(rate)), "--rate must be positive, was " + rate);
        return new LoadPlan(requests, duration, this.concurrency, this.size, this.warmup, this.timeout,
                (rate != null) ? rate : 0);
    }

    private static void check(CommandSpec spec, boolean valid, String message) {
        if (!valid) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
