package dev.pirate;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import dev.pirate.client.DirectClient;
import dev.pirate.queue.PirateQueue;
import dev.pirate.queue.QueueMode;
import dev.pirate.server.ThreadedServer;
import dev.pirate.testing.PythonPeer;
import dev.pirate.testing.Resources;
import dev.pirate.event.PirateListener;
import dev.pirate.worker.QueueWorker;

/**
 * Lazy Pirate, Simple Pirate, Paranoid Pirate and the threaded server against the independent
 * Python peers in {@code interop/python}, in both directions.
 */
@Timeout(120)
class PatternsInteropTest {

    @RegisterExtension
    final Resources resources = new Resources();

    @BeforeAll
    static void installPython() {
        PythonPeer.ensureInstalled();
    }


    private <T extends AutoCloseable> T track(T resource) {
        return this.resources.track(resource);
    }

    private static String loopback() {
        return "tcp://127.0.0.1:" + PythonPeer.freePort();
    }

    private PirateQueue queue(QueueMode mode) {
        PirateQueue queue = track(PirateQueue.builder(mode, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
            .heartbeatInterval(Duration.ofMillis(200)).build());
        queue.start();
        return queue;
    }

    private void theirClientSucceeds(String endpoint, int requests) {
        PythonPeer client = track(PythonPeer.start("lpclient.py", "--connect", endpoint, "--timeout-ms", "2000",
                "--retries", "5", "--requests", String.valueOf(requests)));
        assertThat(client.awaitExit(Duration.ofSeconds(60))).isZero();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= requests; i++) {
            expected.add("OK " + i);
        }
        assertThat(client.output()).containsExactlyElementsOf(expected);
    }

    @Test
    void ourDirectClientTalksToTheirLazyPirateServer() {
        String endpoint = loopback();
        track(PythonPeer.startReady("lpserver.py", "--bind", endpoint));
        DirectClient client = track(DirectClient.builder(endpoint).timeout(Duration.ofSeconds(2)).retries(3).build());
        for (int i = 1; i <= 20; i++) {
            assertThat(text(client.request(bytes(String.valueOf(i))))).isEqualTo(String.valueOf(i));
        }
    }

    @Test
    void theirLazyPirateClientTalksToOurThreadedServer() {
        ThreadedServer server = track(new ThreadedServer("tcp://127.0.0.1:*", 4, (body) -> body, PirateListener.NONE,
                "echo"));
        server.start();
        theirClientSucceeds(server.endpoint(), 20);
    }

    @Test
    void ourSimplePirateQueueServesTheirWorkerAndTheirClient() {
        PirateQueue queue = queue(QueueMode.SIMPLE);
        track(PythonPeer.startReady("spworker.py", "--connect", queue.backendEndpoint()));
        theirClientSucceeds(queue.frontendEndpoint(), 20);
    }

    @Test
    void ourParanoidPirateQueueServesTheirWorkerAndTheirClient() {
        PirateQueue queue = queue(QueueMode.PARANOID);
        track(PythonPeer.startReady("ppworker.py", "--connect", queue.backendEndpoint(), "--heartbeat-ms", "200"));
        theirClientSucceeds(queue.frontendEndpoint(), 20);
    }

    @Test
    void theirParanoidPirateQueueServesOurWorkerToOurClient() {
        String frontend = loopback();
        String backend = loopback();
        track(PythonPeer.startReady("ppqueue.py", "--frontend", frontend, "--backend", backend, "--heartbeat-ms",
                "200"));
        QueueWorker worker = track(QueueWorker.paranoid(backend, (body) -> body)
            .heartbeatInterval(Duration.ofMillis(200)).build());
        worker.start();
        DirectClient client = track(DirectClient.builder(frontend).timeout(Duration.ofSeconds(2)).retries(5).build());
        for (int i = 1; i <= 20; i++) {
            assertThat(text(client.request(bytes("n" + i)))).isEqualTo("n" + i);
        }
        theirClientSucceeds(frontend, 5);
    }

    @Test
    void theirSimplePirateQueueServesOurSimpleWorker() {
        String frontend = loopback();
        String backend = loopback();
        track(PythonPeer.startReady("spqueue.py", "--frontend", frontend, "--backend", backend));
        QueueWorker worker = track(QueueWorker.simple(backend, (body) -> body).build());
        worker.start();
        theirClientSucceeds(frontend, 20);
    }
}
