package dev.pirate.benchmarks.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * A {@link FaultWorker} in its own JVM, started from this JVM's class path: it can be killed,
 * frozen and thawed, and asked afterwards which requests it executed.
 */
final class WorkerProcess {

    private static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(30);

    /** Small and quick to start: the suite starts dozens of these on a shared machine. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");

    private final String name;

    private final Path executions;

    private final LogFile out;

    private final long outMark;

    private final Process process;

    private WorkerProcess(String name, Path executions, LogFile out, long outMark, Process process) {
        this.name = name;
        this.executions = executions;
        this.out = out;
        this.outMark = outMark;
        this.process = process;
    }

    /**
     * Starts a worker; {@link #awaitRegistered()} tells when it serves.
     * @param endpoint a broker endpoint, or several comma-separated: the worker registers with each
     * @param behaviour the behaviour and its argument, e.g. {@code slow 500}
     * @param dir where its executions file and output go, named after {@code name}
     */
    static WorkerProcess start(String name, String endpoint, String service, Duration heartbeat, int concurrency,
            int prefetch, List<String> behaviour, Path dir) throws IOException, InterruptedException {
        Path executions = dir.resolve(name + ".executions");
        LogFile out = new LogFile(dir.resolve(name + ".out"));
        long mark = out.size();
        List<String> command = new ArrayList<>(List.of(Children.java()));
        command.addAll(JVM_OPTIONS);
        command.add("-D" + FaultWorker.PREFETCH_PROPERTY + "=" + prefetch);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FaultWorker.class.getName(), endpoint,
                service, executions.toString(), Long.toString(heartbeat.toMillis()), Integer.toString(concurrency)));
        command.addAll(behaviour);
        // Standard input stays a pipe: the worker leaves when it closes.
        ProcessBuilder builder = new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.path().toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".err").toFile()));
        Process process = Children.start(builder);
        return new WorkerProcess(name, executions, out, mark, process);
    }

    /**
     * Waits until all its connections, to every broker, are registered.
     * @throws IllegalStateException if it ends first (a poison request may kill it at once) or takes too long
     */
    void awaitRegistered() throws IOException, InterruptedException {
        this.out.await(this.outMark, "registered", REGISTRATION_TIMEOUT, this.process::isAlive);
    }

    String name() {
        return this.name;
    }

    boolean alive() {
        return this.process.isAlive();
    }

    /** Kills it with SIGKILL. */
    void kill() {
        Children.kill(this.process);
    }

    /** Freezes it with SIGSTOP: its sockets stay open, but nothing answers. */
    void freeze() throws IOException, InterruptedException {
        Children.signal(this.process, "STOP");
    }

    /** Lets a frozen worker run again with SIGCONT. */
    void thaw() throws IOException, InterruptedException {
        Children.signal(this.process, "CONT");
    }

    /** The last reconnect count it printed, 0 if none. */
    long reconnects() throws IOException {
        long reconnects = 0;
        if (Files.exists(this.out.path())) {
            for (String line : Files.readAllLines(this.out.path(), StandardCharsets.US_ASCII)) {
                if (line.startsWith("reconnects ")) {
                    reconnects = Long.parseLong(line.substring("reconnects ".length()).trim());
                }
            }
        }
        return reconnects;
    }

    /**
     * Adds the handler executions it recorded, per request id, to a map.
     * @param counted which ids to count: those of the scenario's ledger
     */
    void addExecutions(Map<Long, Integer> into, LongPredicate counted) throws IOException {
        if (!Files.exists(this.executions)) {
            return;
        }
        for (String line : Files.readAllLines(this.executions, StandardCharsets.US_ASCII)) {
            if (!line.isBlank()) {
                long id = Long.parseLong(line.trim());
                if (counted.test(id)) {
                    into.merge(id, 1, Integer::sum);
                }
            }
        }
    }

    /** Stops it: closing standard input asks it to leave; SIGKILL makes sure. */
    void stop() {
        try {
            this.process.getOutputStream().close();
        }
        catch (IOException ex) {
            // Already gone.
        }
        Children.kill(this.process);
    }
}
