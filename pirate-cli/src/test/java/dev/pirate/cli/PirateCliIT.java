package dev.pirate.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs the shaded {@code pirate} jar as real processes: a broker or a queue, a worker and a call,
 * then stops the long-running ones with SIGTERM as a process supervisor would.
 */
@Timeout(90)
class PirateCliIT {

    private static final Duration START_DEADLINE = Duration.ofSeconds(30);

    private static final Duration STOP_DEADLINE = Duration.ofSeconds(10);

    /** A JVM ended by SIGTERM reports 128 + 15 after its shutdown hooks ran. */
    private static final int SIGTERM_EXIT = 143;

    @TempDir
    private Path logs;

    private final List<CliProcess> started = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() {
        this.started.forEach(CliProcess::kill);
    }

    @Test
    void brokerAndWorkerServeACallAndStopCleanlyOnSigterm() throws Exception {
        // Fast heartbeats and a generous first call timeout: a worker connection whose handshake stalls
        // (a JeroMQ 0.6.0 race on fresh connections) is replaced within about 3 s, while the broker
        // holds the request.
        CliProcess broker = start("broker", "broker", "--bind", "tcp://127.0.0.1:*", "--heartbeat", "250ms");
        String listening = broker.awaitLine("broker listening on ", START_DEADLINE);
        String endpoint = listening.substring("broker listening on ".length());
        assertThat(endpoint).matches("tcp://127\\.0\\.0\\.1:\\d+");
        CliProcess worker = start("worker", "worker", "--connect", endpoint, "--service", "echo", "--heartbeat",
                "250ms");
        worker.awaitLine("worker ready", START_DEADLINE);

        CliProcess call = start("call", "call", "--connect", endpoint, "--service", "echo", "--timeout", "5s",
                "hello", "pirate");

        assertThat(call.awaitExit(START_DEADLINE)).as(call.describe()).isZero();
        assertThat(call.remainingLines()).as(call.describe()).containsExactly("hello", "pirate");

        worker.process.destroy();
        broker.process.destroy();
        assertThat(worker.awaitExit(STOP_DEADLINE)).as(worker.describe()).isIn(0, SIGTERM_EXIT);
        assertThat(broker.awaitExit(STOP_DEADLINE)).as(broker.describe()).isIn(0, SIGTERM_EXIT);
    }

    @Test
    void paranoidQueueAndPppWorkerServeADirectCallAndStopCleanlyOnSigterm() throws Exception {
        CliProcess queue = start("queue", "queue", "--mode", "paranoid", "--frontend", "tcp://127.0.0.1:*",
                "--backend", "tcp://127.0.0.1:*", "--heartbeat", "250ms");
        String[] endpoints = queue.awaitLine("queue listening on ", START_DEADLINE)
            .substring("queue listening on ".length()).split(" ");
        assertThat(endpoints).hasSize(2);
        CliProcess worker = start("worker", "worker", "--protocol", "ppp", "--connect", endpoints[1], "--heartbeat",
                "250ms");
        worker.awaitLine("worker ready", START_DEADLINE);

        // The queue holds the request in its pipe until the worker's READY arrives, so no wait is needed.
        CliProcess call = start("call", "call", "--direct", endpoints[0], "--timeout", "5s", "hello", "pirate");

        assertThat(call.awaitExit(START_DEADLINE)).as(call.describe()).isZero();
        assertThat(call.remainingLines()).as(call.describe()).containsExactly("hello", "pirate");

        worker.process.destroy();
        queue.process.destroy();
        assertThat(worker.awaitExit(STOP_DEADLINE)).as(worker.describe()).isIn(0, SIGTERM_EXIT);
        assertThat(queue.awaitExit(STOP_DEADLINE)).as(queue.describe()).isIn(0, SIGTERM_EXIT);
    }

    private CliProcess start(String name, String... args) throws IOException {
        String jar = System.getProperty("pirate.cli.jar");
        assertThat(jar).as("system property pirate.cli.jar, set by failsafe").isNotNull();
        assertThat(Path.of(jar)).as("the shaded jar; run `mvn verify`").isRegularFile();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
        command.addAll(List.of(args));
        Path stderr = this.logs.resolve(name + ".err");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        CliProcess started = new CliProcess(name, process, stderr);
        this.started.add(started);
        return started;
    }

    /**
     * A started {@code pirate} process. A daemon thread moves its stdout lines into a queue, so the
     * test can wait for a line with a deadline instead of blocking on the pipe.
     */
    private static final class CliProcess {

        private final String name;

        private final Process process;

        private final Path stderr;

        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        private final Thread reader;

        CliProcess(String name, Process process, Path stderr) {
            this.name = name;
            this.process = process;
            this.stderr = stderr;
            this.reader = new Thread(this::readStdout, "stdout-" + name);
            this.reader.setDaemon(true);
            this.reader.start();
        }

        private void readStdout() {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    this.lines.add(line);
                }
            }
            catch (IOException ex) {
                // The process was killed while we read; what it printed so far is in the queue.
            }
        }

        String awaitLine(String prefix, Duration deadline) throws InterruptedException {
            long end = System.nanoTime() + deadline.toNanos();
            long left;
            while ((left = end - System.nanoTime()) > 0) {
                String line = this.lines.poll(left, TimeUnit.NANOSECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
            }
            return fail("%s printed no line starting '%s' within %s; %s", this.name, prefix, deadline, describe());
        }

        int awaitExit(Duration deadline) throws InterruptedException {
            if (!this.process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("%s still running after %s; %s", this.name, deadline, describe());
            }
            return this.process.exitValue();
        }

        /** Returns the stdout lines not consumed yet, once the process has ended and its pipe is drained. */
        List<String> remainingLines() throws InterruptedException {
            this.reader.join(STOP_DEADLINE.toMillis());
            return new ArrayList<>(this.lines);
        }

        String describe() {
            try {
                return this.name + " stderr:\n" + Files.readString(this.stderr);
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        void kill() {
            this.process.destroyForcibly();
        }
    }
}
