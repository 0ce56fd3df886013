package dev.pirate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine;

import static org.awaitility.Awaitility.await;

/**
 * An in-process run of a long-running subcommand (broker, queue, server, worker) on its own thread.
 * The test waits for the line the command prints once it serves, and stops it by interrupting that
 * thread, which the command takes as a stop request like SIGTERM.
 */
final class BackgroundRun implements AutoCloseable {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    // StringWriter appends to a StringBuffer, so the test thread may read it while the command writes.
    private final StringWriter out = new StringWriter();

    private final StringWriter err = new StringWriter();

    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

    private final Thread thread;

    private BackgroundRun(String... args) {
        CommandLine commandLine = PirateCommand.commandLine();
        commandLine.setOut(new PrintWriter(this.out, true));
        commandLine.setErr(new PrintWriter(this.err, true));
        this.thread = new Thread(() -> this.exitCode.complete(commandLine.execute(args)), "cli-" + args[0]);
        this.thread.start();
    }

    static BackgroundRun start(String... args) {
        return new BackgroundRun(args);
    }

    /**
     * Waits until the command has printed a line starting with the prefix.
     * @return the rest of that line
     */
    String awaitLine(String prefix) {
        await().atMost(DEADLINE).until(() -> this.exitCode.isDone() || findLine(prefix).isPresent());
        return findLine(prefix).orElseThrow(() -> new AssertionError("Command ended with exit code "
                + this.exitCode.join() + " before printing '" + prefix + "'; stderr: " + this.err));
    }

    private Optional<String> findLine(String prefix) {
        return this.out.toString().lines()
            .filter((line) -> line.startsWith(prefix))
            .map((line) -> line.substring(prefix.length()))
            .findFirst();
    }

    /** Stops the command as a signal would and returns what it printed and its exit code. */
    CliRun stop() {
        this.thread.interrupt();
        try {
            int code = this.exitCode.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            return new CliRun(code, this.out.toString(), this.err.toString());
        }
        catch (Exception ex) {
            throw new AssertionError("Command did not stop within " + DEADLINE + "; stderr: " + this.err, ex);
        }
    }

    @Override
    public void close() {
        if (!this.exitCode.isDone()) {
            stop();
        }
    }
}
