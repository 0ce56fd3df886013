package dev.pirate.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.pirate.broker.MajordomoBroker;

/**
 * A {@link MajordomoBroker} in a JVM of its own, on the test class path, that a test can kill with
 * SIGKILL and start again on the same endpoint. The child ends by itself when its standard input
 * closes, so a test JVM that dies leaves no broker behind.
 */
public final class BrokerChild implements AutoCloseable {

    private static final String SERVING = "serving";

    private final String endpoint;

    private final Duration heartbeat;

    private Process process;

    private BrokerChild(String endpoint, Duration heartbeat) {
        this.endpoint = endpoint;
        this.heartbeat = heartbeat;
    }

    /**
     * Starts a broker on a loopback endpoint and waits until it serves.
     * @param endpoint for example {@code tcp://127.0.0.1:PORT} with a free port
     * @param heartbeat the broker's heartbeat interval
     */
    public static BrokerChild start(String endpoint, Duration heartbeat) {
        BrokerChild child = new BrokerChild(endpoint, heartbeat);
        child.launch();
        return child;
    }

    private void launch() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-Xmx96m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), BrokerChild.class.getName(), this.endpoint,
                Long.toString(this.heartbeat.toMillis()));
        try {
            Path logs = Files.createDirectories(Path.of("target", "broker-children"));
            Path log = Files.createTempFile(logs, "broker-", ".log");
            this.process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            CountDownLatch serving = new CountDownLatch(1);
            Process started = this.process;
            // Reads the child's output to its end, so its logging never blocks on a full pipe.
            Thread reader = new Thread(() -> drain(started, serving), "broker-child-output");
            reader.setDaemon(true);
            reader.start();
            if (!serving.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The broker child for " + this.endpoint + " did not serve; see " + log);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot start a broker child for " + this.endpoint, ex);
        }
    }

    private static void drain(Process process, CountDownLatch serving) {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.equals(SERVING)) {
                    serving.countDown();
                }
            }
        }
        catch (IOException ex) {
            // The child was killed: its output ends here.
        }
    }

    /** The endpoint workers and clients connect to. */
    public String endpoint() {
        return this.endpoint;
    }

    /** Kills the broker with SIGKILL and waits until it is gone. */
    public void kill() {
        this.process.destroyForcibly();
        try {
            this.process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the broker again on the same endpoint after {@link #kill()}. */
    public void restart() {
        if (this.process.isAlive()) {
            throw new IllegalStateException("The broker on " + this.endpoint + " still runs");
        }
        launch();
    }

    @Override
    public void close() {
        kill();
    }

    /**
     * The child's entry point: {@code ENDPOINT HEARTBEAT_MILLIS}; serves until its standard input closes.
     * @param args the endpoint and the heartbeat interval in milliseconds
     * @throws IOException if reading standard input fails
     */
    public static void main(String[] args) throws IOException {
        try (MajordomoBroker broker = MajordomoBroker.builder().bind(args[0])
            .heartbeatInterval(Duration.ofMillis(Long.parseLong(args[1])))
            .build()) {
            broker.start();
            System.out.println(SERVING);
            System.out.flush();
            while (System.in.read() >= 0) {
                // the parent holds our standard input open for as long as we are to serve
            }
        }
    }
}
