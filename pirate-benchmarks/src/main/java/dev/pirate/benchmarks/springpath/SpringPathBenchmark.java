package dev.pirate.benchmarks.springpath;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import dev.pirate.broker.MajordomoBroker;

/**
 * What the Spring path costs against pirate-core, in one JVM: one embedded Majordomo broker on
 * loopback, an echo service served and called both with pirate-core alone and through the starter
 * (a {@code @MajordomoService} bean and the {@code PirateClient} bean in a Spring Boot context), the
 * same number of worker connections, body size and requests in flight, measured in alternating
 * rounds with {@code pirate bench}'s load.
 * <pre>
 * java -cp pirate-benchmarks/target/benchmarks.jar dev.pirate.benchmarks.springpath.SpringPathBenchmark \
 *     [--in-flight 1,100] [--size 16] [--runs 3] [--seconds 2] [--warmup 2000] [--warm 5] [--no-spring-metrics]
 *     [--control]
 * </pre>
 * Progress and a summary go to stderr; stdout gets one JSON line per variant and load, with
 * {@code pirate bench}'s fields (medians of the rounds) after {@code variant}, {@code size},
 * {@code in_flight} and {@code runs}. Exit code 0 if every measured request succeeded, 1 if not or
 * on an error, 64 for a usage error.
 */
@Command(name = "SpringPathBenchmark", sortOptions = false,
        exitCodeOnInvalidInput = SpringPathBenchmark.USAGE,
        description = "Echo through pirate-core and through the Spring starter in one JVM, in alternating rounds.")
public final class SpringPathBenchmark implements Callable<Integer> {

    /** Exit code of a usage error, as for the pirate command line. */
    static final int USAGE = 64;

    private static final int MAX_IN_FLIGHT = 10_000;

    private static final int MAX_SIZE = 16 * 1024 * 1024;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    @Spec
    private CommandSpec spec;

    @Option(names = "--in-flight", split = ",", defaultValue = "1,100", paramLabel = "C",
            description = "Requests in flight, one driver thread each (default: ${DEFAULT-VALUE}).")
    private List<Integer> inFlights;

    @Option(names = "--size", split = ",", defaultValue = "16", paramLabel = "BYTES",
            description = "Request body sizes (default: ${DEFAULT-VALUE}).")
    private List<Integer> sizes;

    @Option(names = "--runs", defaultValue = "3",
            description = "Rounds per load; each variant is measured once per round (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Option(names = "--seconds", defaultValue = "2",
            description = "Measured seconds per variant and round (default: ${DEFAULT-VALUE}).")
    private double seconds;

    @Option(names = "--warmup", defaultValue = "2000",
            description = "Unmeasured requests before each measured round (default: ${DEFAULT-VALUE}).")
    private long warmup;

    @Option(names = "--warm", defaultValue = "5",
            description = "Seconds of unmeasured load on each variant before the first round (default: ${DEFAULT-VALUE}).")
    private double warm;

    @Option(names = "--spring-metrics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Pirate's metrics in the Spring context, as the starter sets them up (default: on).")
    private boolean springMetrics;

    @Option(names = { "-h", "--help" }, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--control",
            description = "Also measure a second, identical pirate-core variant (core-b): how far apart two equal "
                    + "variants come out is the noise of the comparison.")
    private boolean control;

    /**
     * Runs the comparison and exits with its code.
     * @param args the options; {@code --help} lists them
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SpringPathBenchmark()).execute(args));
    }

    @Override
    public Integer call() {
        validate();
        PrintStream log = System.err;
        log.printf(Locale.ROOT, "%d processors, load average %.2f at start%n", Runtime.getRuntime().availableProcessors(),
                loadAverage());
        Results results;
        List<String> names = new ArrayList<>();
        try (MajordomoBroker broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*")
                .heartbeatInterval(Settings.HEARTBEAT).build()) {
            broker.start();
            String endpoint = broker.connectEndpoint();
            try (Variant core = CoreVariant.start(endpoint, "core");
                    Variant spring = SpringVariant.start(endpoint, this.springMetrics);
                    Variant control = this.control ? CoreVariant.start(endpoint, "core-b") : null) {
                List<Variant> variants = (control != null) ? List.of(core, spring, control) : List.of(core, spring);
                for (Variant variant : variants) {
                    Registration.await(broker, variant.service(), Settings.CONNECTIONS, START_TIMEOUT);
                    log.println(variant.name() + ": " + variant.describe());
                    names.add(variant.name());
                }
                log.println("broker: one MajordomoBroker on " + endpoint + ", no listener, shared by all");
                Rounds rounds = new Rounds(variants, this.runs, this.warmup, seconds(this.seconds), log);
                rounds.warm(seconds(this.warm), Collections.max(this.inFlights));
                results = rounds.measure(this.sizes, this.inFlights);
            }
        }
        log.printf(Locale.ROOT, "load average %.2f at end; medians of %d rounds:%n", loadAverage(), this.runs);
        new Summary(results, names).print(log);
        log.flush();
        long failed = 0;
        for (Results.Key key : results.keys()) {
            System.out.println(results.json(key));
            failed += results.median(key).failed();
        }
        System.out.flush();
        return (failed == 0) ? 0 : 1;
    }

    private void validate() {
        check(!this.inFlights.isEmpty() && this.inFlights.stream().allMatch((c) -> c >= 1 && c <= MAX_IN_FLIGHT),
                "--in-flight must be between 1 and " + MAX_IN_FLIGHT + ", was " + this.inFlights);
        check(!this.sizes.isEmpty() && this.sizes.stream().allMatch((s) -> s >= 0 && s <= MAX_SIZE),
                "--size must be between 0 and " + MAX_SIZE + ", was " + this.sizes);
        check(this.runs >= 1, "--runs must be at least 1, was " + this.runs);
        check(this.seconds > 0, "--seconds must be positive, was " + this.seconds);
        check(this.warmup >= 0, "--warmup must not be negative, was " + this.warmup);
        check(this.warm >= 0, "--warm must not be negative, was " + this.warm);
    }

    private void check(boolean valid, String message) {
        if (!valid) {
            throw new ParameterException(this.spec.commandLine(), message);
        }
    }

    private static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
