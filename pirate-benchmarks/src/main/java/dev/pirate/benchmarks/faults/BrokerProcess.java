package dev.pirate.benchmarks.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pirate.benchmarks.ProcStatus;

/**
 * A {@code pirate broker} in its own JVM, started from the CLI jar on a loopback port, with its
 * standard output and error in one log file. It can be killed with SIGKILL and started again on the
 * same port, as an operator or a supervisor would.
 */
final class BrokerProcess {

    private static final String LISTENING = "broker listening on ";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final List<String> command;

    private final LogFile log;

    private final String endpoint;

    private Process process;

    private BrokerProcess(List<String> command, LogFile log, String endpoint) {
        this.command = command;
        this.log = log;
        this.endpoint = endpoint;
    }

    /**
     * Starts a broker on a free loopback port and waits until it serves.
     * @param jvmOptions options of the broker's JVM
     * @param brokerOptions options of {@code pirate broker} after {@code --bind}
     */
    static BrokerProcess start(Path cliJar, List<String> jvmOptions, List<String> brokerOptions, Path logPath)
            throws IOException, InterruptedException {
        String endpoint = "tcp://127.0.0.1:" + freePort();
        List<String> command = new ArrayList<>();
        command.add(Children.java());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", cliJar.toString(), "broker", "--bind", endpoint));
        command.addAll(brokerOptions);
        BrokerProcess broker = new BrokerProcess(List.copyOf(command), new LogFile(logPath), endpoint);
        broker.launch();
        return broker;
    }

    /**
     * A port nothing listens on now. Another program could take it before the broker binds; on a
     * test machine's loopback that race is rare, and the broker then fails loudly at start.
     */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void launch() throws IOException, InterruptedException {
        long mark = this.log.size();
        ProcessBuilder builder = new ProcessBuilder(this.command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.path().toFile()));
        this.process = Children.start(builder);
        Process started = this.process;
        this.log.await(mark, LISTENING, START_TIMEOUT, started::isAlive);
    }

    /** Kills the broker with SIGKILL. */
    void kill() {
        Children.kill(this.process);
    }

    /** Starts the broker again with the same command, so on the same port, after it died. */
    void restart() throws IOException, InterruptedException {
        if (this.process.isAlive()) {
            throw new IllegalStateException("The broker still runs");
        }
        launch();
    }

    /** The endpoint clients and workers connect to. */
    String endpoint() {
        return this.endpoint;
    }

    boolean alive() {
        return this.process.isAlive();
    }

    /** The exit code of a broker that ended. */
    int exitCode() {
        return this.process.exitValue();
    }

    /** VmRSS of the running broker, or -1. */
    long rssBytes() {
        return ProcStatus.rssBytes(this.process.pid());
    }

    /** VmHWM (peak RSS) of the running broker, or -1. */
    long peakRssBytes() {
        return ProcStatus.peakRssBytes(this.process.pid());
    }

    /** The broker's log, for line counts and error messages. */
    LogFile log() {
        return this.log;
    }

    /** Stops the broker for good. */
    void stop() {
        Children.kill(this.process);
    }
}
