package dev.pirate.benchmarks.rabbitmq;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

import org.HdrHistogram.Histogram;

import com.rabbitmq.client.Connection;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import dev.pirate.cli.DurationConverter;
import dev.pirate.cli.bench.BenchReport;

/**
 * A pipelined RPC client for the RabbitMQ echo of {@link RabbitEchoServer}: C requests in flight on
 * one channel with direct reply-to, an unmeasured warm-up, then a measured phase, printed as
 * {@code pirate bench} prints it, so that scripts read both the same way.
 * <pre>
 * java -cp pirate-benchmarks/target/benchmarks.jar dev.pirate.benchmarks.rabbitmq.RabbitRpcBench \
 *     --port 5672 [--queue echo] [--concurrency 100] [--size 16] [--warmup 1000] [--duration 10s] [--timeout 5s]
 * </pre>
 * stdout: a description, a summary for people, and {@code pirate bench}'s JSON line as the very last
 * line. Exit code 0 if every measured request was answered with its echo, 1 if not or on an error
 * (a warm-up failure ends the run before measuring), 64 for a usage error.
 */
@Command(name = "RabbitRpcBench", sortOptions = false, exitCodeOnInvalidInput = RabbitRpcBench.USAGE,
        description = "Pipelined RPC echo through RabbitMQ (direct reply-to), printed as pirate bench prints.")
public final class RabbitRpcBench implements Callable<Integer> {

    /** Exit code of a usage error, as for the pirate command line. */
    static final int USAGE = 64;

    private static final int MAX_CONCURRENCY = 10_000;

    private static final int MAX_SIZE = 16 * 1024 * 1024;

    /** Latencies kept to three significant digits, as {@code pirate bench} keeps them. */
    private static final int SIGNIFICANT_DIGITS = 3;

    private static final double NANOS_PER_MICRO = 1_000.0;

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Broker host (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", required = true, description = "Broker AMQP port.")
    private int port;

    @Option(names = "--queue", defaultValue = RabbitEchoServer.DEFAULT_QUEUE,
            description = "The echo servers' queue (default: ${DEFAULT-VALUE}).")
    private String queue;

    @Option(names = "--concurrency", defaultValue = "1", paramLabel = "C",
            description = "Requests in flight (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--size", defaultValue = "16", paramLabel = "BYTES",
            description = "Request body size; the reply echoes it (default: ${DEFAULT-VALUE}).")
    private int size;

    @Option(names = "--warmup", defaultValue = "1000", paramLabel = "N",
            description = "Requests sent before measuring (default: ${DEFAULT-VALUE}).")
    private long warmup;

    @Option(names = "--duration", defaultValue = "10s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to measure (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(names = "--timeout", defaultValue = "5s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long without any reply before the requests still out count as failed "
                    + "(default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = { "-h", "--help" }, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /**
     * Runs the benchmark and exits with its code.
     * @param args the options; {@code --help} lists them
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new RabbitRpcBench()).execute(args));
    }

    @Override
    public Integer call() throws IOException, TimeoutException, InterruptedException {
        validate();
        PrintStream out = System.out;
        BenchReport report;
        Connection connection = Broker.connect(this.host, this.port, "pirate-rabbit-rpc-bench");
        try (RpcPipeline pipeline = new RpcPipeline(connection, this.queue, this.size, this.concurrency)) {
            if (this.warmup > 0) {
                RpcPipeline.Outcome warm = pipeline.run(Phase.ofCount(this.warmup), null, this.timeout);
                if (warm.failed() > 0) {
                    System.err.println("RabbitRpcBench: " + warm.failed() + " of " + this.warmup
                            + " warm-up requests failed; not measuring");
                    return 1;
                }
            }
            Histogram latencies = new Histogram(SIGNIFICANT_DIGITS);
            RpcPipeline.Outcome measured = pipeline.run(Phase.ofDuration(this.duration), latencies, this.timeout);
            report = report(latencies, measured);
        }
        finally {
            Broker.close(connection);
        }
        out.printf(Locale.ROOT, "rabbitmq rpc echo on %s:%d queue %s: %d in flight, %d B, %s after %d warm-up requests%n",
                this.host, this.port, this.queue, this.concurrency, this.size, this.duration, this.warmup);
        out.println(report.summary());
        out.println(report.json());
        out.flush();
        return (report.failed() == 0) ? 0 : 1;
    }

    private static BenchReport report(Histogram latencies, RpcPipeline.Outcome outcome) {
        double seconds = outcome.elapsedNanos() / 1e9;
        return new BenchReport(outcome.ok() + outcome.failed(), outcome.ok(), outcome.failed(), seconds,
                (seconds > 0) ? outcome.ok() / seconds : 0, micros(latencies, 50), micros(latencies, 99),
                micros(latencies, 99.9), latencies.getMaxValue() / NANOS_PER_MICRO);
    }

    private static double micros(Histogram latencies, double percentile) {
        return latencies.getValueAtPercentile(percentile) / NANOS_PER_MICRO;
    }

    private void validate() {
        check(this.port > 0 && this.port <= 65535, "--port must be between 1 and 65535, was " + this.port);
        check(this.concurrency >= 1 && this.concurrency <= MAX_CONCURRENCY,
                "--concurrency must be between 1 and " + MAX_CONCURRENCY + ", was " + this.concurrency);
        check(this.size >= 0 && this.size <= MAX_SIZE,
                "--size must be between 0 and " + MAX_SIZE + " bytes, was " + this.size);
        check(this.warmup >= 0, "--warmup must not be negative, was " + this.warmup);
        check(!this.duration.isNegative() && !this.duration.isZero(), "--duration must be positive, was " + this.duration);
        check(!this.timeout.isNegative() && !this.timeout.isZero(), "--timeout must be positive, was " + this.timeout);
    }

    private void check(boolean valid, String message) {
        if (!valid) {
            throw new ParameterException(this.spec.commandLine(), message);
        }
    }
}
