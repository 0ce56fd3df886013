package dev.pirate.benchmarks.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the fault scenarios against real broker processes and prints the results as a Markdown table.
 * <pre>
 * java -cp pirate-benchmarks/target/benchmarks.jar dev.pirate.benchmarks.faults.FaultSuite \
 *     --cli-jar pirate-cli/target/pirate-cli-VERSION.jar [--quick] [--scenario NAME]... \
 *     [--broker-jvm-opts "..."] [--work DIR]
 * </pre>
 * Each scenario gets a new broker and new workers, so one scenario's damage never shows in the next.
 * Progress goes to stderr, the table to stdout. {@code bench/faults.sh} builds the jars and runs this.
 */
public final class FaultSuite {

    private static final List<Scenario> SCENARIOS = List.of(new WorkerKill(), new CreditWorkerKill(), new WorkerFreeze(),
            new BrokerRestart(), new SecondBrokerKill(),
            new Poison(), new ReplyOverLimit(), new UnknownServices(), new QueueFlood(), new ReadLater(),
            new WorkerChurn(), new Malformed());

    private FaultSuite() {
    }

    /**
     * Runs the suite.
     * @param args see the class comment
     * @throws Exception if the work folder cannot be made
     */
    public static void main(String[] args) throws Exception {
        Map<String, Scenario> byName = new LinkedHashMap<>();
        SCENARIOS.forEach((s) -> byName.put(s.name(), s));
        Path cliJar = null;
        Path work = null;
        boolean quick = false;
        List<String> brokerJvm = List.of();
        List<Scenario> chosen = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = (i + 1 < args.length) ? args[i + 1] : null;
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--cli-jar" -> cliJar = Path.of(required(value, args[i++]));
                case "--work" -> work = Path.of(required(value, args[i++]));
                case "--broker-jvm-opts" -> brokerJvm = words(required(value, args[i++]));
                case "--scenario" -> {
                    Scenario scenario = byName.get(required(value, args[i++]));
                    if (scenario == null) {
                        usage("unknown scenario " + value + "; one of " + byName.keySet());
                    }
                    chosen.add(scenario);
                }
                default -> usage("unknown option " + args[i]);
            }
        }
        if (cliJar == null || !Files.isRegularFile(cliJar)) {
            usage("--cli-jar must name the pirate CLI jar");
        }
        SuiteOptions options = new SuiteOptions(cliJar, brokerJvm, quick,
                (work != null) ? Files.createDirectories(work) : Files.createTempDirectory("pirate-faults"));
        List<Row> rows = new ArrayList<>();
        for (Scenario scenario : chosen.isEmpty() ? SCENARIOS : chosen) {
            rows.add(run(scenario, options));
        }
        System.out.print(ResultTable.markdown(rows));
        System.out.flush();
        // Worker clients' and sockets' threads must not keep the JVM up; the hook kills any child left.
        System.exit(0);
    }

    private static Row run(Scenario scenario, SuiteOptions options) {
        long start = System.nanoTime();
        System.err.println("[faults] " + scenario.name() + " ...");
        Row row;
        try (Fixture fixture = new Fixture(scenario.name(), options)) {
            try {
                scenario.run(fixture);
                row = fixture.row();
            }
            catch (Exception | Error ex) {
                ex.printStackTrace();
                row = Row.failed(scenario.name(), ex.toString());
            }
        }
        catch (Exception ex) {
            row = Row.failed(scenario.name(), ex.toString());
        }
        finally {
            Children.killAll();
        }
        System.err.printf("[faults] %s done in %.0f s: %s, %s%n", scenario.name(), (System.nanoTime() - start) / 1e9,
                row.tally(), row.brokerState());
        return row;
    }

    private static String required(String value, String option) {
        if (value == null) {
            usage(option + " needs a value");
        }
        return value;
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.trim().split("\\s+")).filter((w) -> !w.isEmpty()).toList();
    }

    private static void usage(String problem) {
        System.err.println("FaultSuite: " + problem);
        System.err.println("usage: FaultSuite --cli-jar JAR [--quick] [--scenario NAME]... "
                + "[--broker-jvm-opts \"...\"] [--work DIR]");
        System.exit(64);
    }
}
