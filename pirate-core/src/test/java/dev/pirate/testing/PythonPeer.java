package dev.pirate.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One of the independent Python peers in {@code interop/python}, run as a child process with
 * Debian's {@code /usr/bin/python3} and {@code python3-zmq}, installed on first use by the project's
 * own idempotent script.
 */
public final class PythonPeer implements AutoCloseable {

    private static final String PYTHON = "/usr/bin/python3";

    private static boolean installed;

    private final Process process;

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private final List<String> allLines = java.util.Collections.synchronizedList(new ArrayList<>());

    private final Thread reader;

    private PythonPeer(Process process, String name) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    this.allLines.add(line);
                    this.lines.add(line);
                }
            }
            catch (IOException ex) {
                // the process ended
            }
        }, "python-peer-" + name);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Returns a loopback port that was free a moment ago, for peers that need a fixed port. */
    public static int freePort() {
        try (org.zeromq.ZContext context = new org.zeromq.ZContext(1)) {
            org.zeromq.ZMQ.Socket probe = context.createSocket(org.zeromq.SocketType.ROUTER);
            probe.bind("tcp://127.0.0.1:*");
            String endpoint = probe.getLastEndpoint();
            return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
        }
    }

    /** Finds the repository root, where {@code interop/} lives. */
    public static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("interop/python"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("interop/python not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** Runs {@code scripts/install-python-zmq.sh} once per JVM; fails loudly if it cannot install. */
    public static synchronized void ensureInstalled() {
        if (installed) {
            return;
        }
        try {
            Process install = new ProcessBuilder("bash", projectRoot().resolve("scripts/install-python-zmq.sh").toString())
                .inheritIO().start();
            if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0) {
                throw new IllegalStateException("scripts/install-python-zmq.sh failed");
            }
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot run scripts/install-python-zmq.sh", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        installed = true;
    }

    /** Starts a peer program, e.g. {@code start("mdp_worker.py", "--connect", ep, "--service", "echo")}. */
    public static PythonPeer start(String program, String... args) {
        ensureInstalled();
        List<String> command = new ArrayList<>();
        command.add(PYTHON);
        command.add(projectRoot().resolve("interop/python").resolve(program).toString());
        command.addAll(List.of(args));
        try {
            // Peers log a lot; keep it out of the build output but on disk for a failing test.
            Path logs = Files.createDirectories(Path.of("target", "python-peers"));
            Path log = Files.createTempFile(logs, program.replace(".py", "-"), ".log");
            Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            return new PythonPeer(process, program);
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot start " + command, ex);
        }
    }

    /** Starts a long-running peer and waits for its {@code READY} line. */
    public static PythonPeer startReady(String program, String... args) {
        PythonPeer peer = start(program, args);
        peer.awaitLine("READY", Duration.ofSeconds(20));
        return peer;
    }

    /** Waits for the next stdout line equal to {@code expected}, skipping others. */
    public void awaitLine(String expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String line = this.lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("No line '" + expected + "' within " + timeout + "; saw " + this.allLines);
                }
                if (line.equals(expected)) {
                    return;
                }
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /** Waits for the process to exit; returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Python peer still running after " + timeout + "; output " + this.allLines);
            }
            // The process has exited; let the reader take its last lines before anyone reads output().
            this.reader.join(TimeUnit.SECONDS.toMillis(5));
            return this.process.exitValue();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /** Tells whether the process has ended. */
    public boolean hasExited() {
        return !this.process.isAlive();
    }

    /** Waits up to the timeout for the process to end, without failing if it does not. */
    public void awaitExitOrTimeout(Duration timeout) {
        try {
            this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns every stdout line so far, READY included. */
    public List<String> output() {
        synchronized (this.allLines) {
            return List.copyOf(this.allLines);
        }
    }

    @Override
    public void close() {
        this.process.destroy();
        try {
            if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
                this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
