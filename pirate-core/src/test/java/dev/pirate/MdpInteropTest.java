package dev.pirate;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoClient;
import dev.pirate.testing.PythonPeer;
import dev.pirate.testing.Resources;
import dev.pirate.worker.MajordomoWorker;

/**
 * Wire compatibility with an independent MDP/0.1 implementation written from the RFC in Python
 * ({@code interop/python}): every pairing of our broker, worker and client with theirs.
 */
@Timeout(120)
class MdpInteropTest {

    @RegisterExtension
    final Resources resources = new Resources();

    @BeforeAll
    static void installPython() {
        PythonPeer.ensureInstalled();
    }


    private <T extends AutoCloseable> T track(T resource) {
        return this.resources.track(resource);
    }

    private MajordomoBroker ourBroker() {
        MajordomoBroker broker = track(MajordomoBroker.builder().bind("tcp://127.0.0.1:*").build());
        broker.start();
        return broker;
    }

    private MajordomoClient ourClient(String endpoint) {
        return track(MajordomoClient.builder(endpoint).timeout(Duration.ofSeconds(2)).retries(5).build());
    }

    /** Their broker, on a free port chosen here. */
    private String theirBroker() {
        String endpoint = "tcp://127.0.0.1:" + PythonPeer.freePort();
        track(PythonPeer.startReady("mdp_broker.py", "--bind", endpoint));
        return endpoint;
    }

    @Test
    void ourBrokerServesTheirWorkerAndTheirClient() {
        MajordomoBroker broker = ourBroker();
        track(PythonPeer.startReady("mdp_worker.py", "--connect", broker.connectEndpoint(), "--service", "echo",
                "--prefix", "py:"));
        PythonPeer client = track(PythonPeer.start("mdp_client.py", "--connect", broker.connectEndpoint(), "--service",
                "echo", "--timeout-ms", "2000", "--retries", "5", "hello", "world"));
        assertThat(client.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(client.output()).containsExactly("py:hello", "world");
    }

    @Test
    void ourBrokerServesTheirWorkerToOurClientIncludingMmi() {
        MajordomoBroker broker = ourBroker();
        track(PythonPeer.startReady("mdp_worker.py", "--connect", broker.connectEndpoint(), "--service", "echo",
                "--prefix", "py:"));
        MajordomoClient client = ourClient(broker.connectEndpoint());
        await().atMost(Duration.ofSeconds(10)).until(() -> client.serviceExists("echo"));
        // The first requests negotiate PX/1 with our broker, the later ones carry the PX frame: the
        // foreign worker must see exactly the body either way (it echoes every frame it gets).
        for (int i = 0; i < 5; i++) {
            List<byte[]> reply = client.request("echo", List.of(bytes("a" + i), bytes("b")));
            assertThat(reply).extracting(dev.pirate.testing.RawPeer::text).containsExactly("py:a" + i, "b");
        }
    }

    @Test
    void theirClientReachesOurWorkerThroughOurBroker() {
        MajordomoBroker broker = ourBroker();
        MajordomoWorker worker = track(MajordomoWorker.builder(broker.connectEndpoint(), "upper",
                (body) -> List.of(text(body.get(0)).toUpperCase().getBytes())).build());
        worker.start();
        PythonPeer client = track(PythonPeer.start("mdp_client.py", "--connect", broker.connectEndpoint(), "--service",
                "upper", "--timeout-ms", "2000", "--retries", "5", "--count", "3", "shout"));
        assertThat(client.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(client.output()).containsExactly("SHOUT", "SHOUT", "SHOUT");
    }

    /**
     * Worker credit (PX/1 section 5.1) on our side only: their client's requests reach our credited
     * worker through our broker, which also keeps serving their plain worker for the same service.
     */
    @Test
    void theirClientAndTheirWorkerMixWithOurCreditedWorkerOnOurBroker() {
        MajordomoBroker broker = ourBroker();
        track(PythonPeer.startReady("mdp_worker.py", "--connect", broker.connectEndpoint(), "--service", "mixed"));
        MajordomoWorker worker = track(MajordomoWorker.builder(broker.connectEndpoint(), "mixed", (body) -> body)
            .concurrency(2).prefetch(8).build());
        worker.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.snapshot().workers() == 2);
        PythonPeer client = track(PythonPeer.start("mdp_client.py", "--connect", broker.connectEndpoint(), "--service",
                "mixed", "--timeout-ms", "2000", "--retries", "5", "--count", "20", "both"));
        assertThat(client.awaitExit(Duration.ofSeconds(60))).isZero();
        assertThat(client.output()).hasSize(20).containsOnly("both");
        MajordomoClient ours = ourClient(broker.connectEndpoint());
        for (int i = 0; i < 20; i++) {
            assertThat(ours.request("mixed", List.of(bytes("m" + i), bytes("z")))).extracting(dev.pirate.testing.RawPeer::text)
                .containsExactly("m" + i, "z");
        }
    }

    /** Their broker gives our credited worker no ticket: it serves plain MDP/0.1, one request at a time. */
    @Test
    void ourCreditedWorkerServesTheirBrokerInPlainMdp() {
        String endpoint = theirBroker();
        MajordomoWorker worker = track(MajordomoWorker.builder(endpoint, "echo", (body) -> body).concurrency(2)
            .prefetch(8).build());
        worker.start();
        MajordomoClient client = ourClient(endpoint);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.serviceExists("echo"));
        for (int i = 0; i < 5; i++) {
            assertThat(client.request("echo", List.of(bytes("c" + i), bytes("y"))))
                .extracting(dev.pirate.testing.RawPeer::text).containsExactly("c" + i, "y");
        }
    }

    @Test
    void theirBrokerServesOurWorkerToOurClientAndTheirClient() {
        String endpoint = theirBroker();
        MajordomoWorker worker = track(MajordomoWorker.builder(endpoint, "echo", (body) -> body).build());
        worker.start();
        MajordomoClient client = ourClient(endpoint);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.serviceExists("echo"));
        assertThat(client.request("echo", List.of(bytes("x"), bytes("y")))).extracting(dev.pirate.testing.RawPeer::text)
            .containsExactly("x", "y");
        PythonPeer theirClient = track(PythonPeer.start("mdp_client.py", "--connect", endpoint, "--service", "echo",
                "--timeout-ms", "2000", "--retries", "5", "from python"));
        assertThat(theirClient.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(theirClient.output()).containsExactly("from python");
    }

    /**
     * Their broker answers our worker's PX/1 question {@code 501}: the worker registers at once, not
     * after the heartbeat interval it would wait for an answer that never comes, and serves plain
     * MDP/0.1, so its handler sees neither request id nor deadline.
     */
    @Test
    void ourWorkerTakesTheirBrokers501AndServesPlainMdp() {
        String endpoint = "tcp://127.0.0.1:" + PythonPeer.freePort();
        track(PythonPeer.startReady("mdp_broker.py", "--bind", endpoint, "--heartbeat-ms", "3000"));
        java.util.List<dev.pirate.worker.RequestContext> contexts = new java.util.concurrent.CopyOnWriteArrayList<>();
        MajordomoWorker worker = track(MajordomoWorker.builder(endpoint, "ctx", (body, context) -> {
            contexts.add(context);
            return body;
        }).heartbeatInterval(Duration.ofSeconds(3)).build());
        long started = System.nanoTime();
        worker.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.connectedCount() == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("READY before the answer's time ran out")
            .isLessThan(Duration.ofSeconds(2));
        MajordomoClient client = ourClient(endpoint);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.serviceExists("ctx"));
        assertThat(client.request("ctx", List.of(bytes("x"), bytes("y")))).extracting(dev.pirate.testing.RawPeer::text)
            .containsExactly("x", "y");
        assertThat(contexts).singleElement().satisfies((context) -> {
            assertThat(context.service()).isEqualTo("ctx");
            assertThat(context.requestId()).isEmpty();
            assertThat(context.deadline()).isEmpty();
        });
    }

    @Test
    void ourClientTalksToTheirBrokerAndTheirWorker() {
        String endpoint = theirBroker();
        track(PythonPeer.startReady("mdp_worker.py", "--connect", endpoint, "--service", "echo", "--prefix", "py:"));
        MajordomoClient client = ourClient(endpoint);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.serviceExists("echo"));
        assertThat(text(client.request("echo", bytes("ping")))).isEqualTo("py:ping");
        assertThat(client.serviceExists("nobody")).isFalse();
        // Their broker answers mmi.pirate with 501: our client stays plain MDP/0.1, so their worker,
        // which echoes every frame, never sees a PX frame.
        for (int i = 0; i < 5; i++) {
            assertThat(client.request("echo", List.of(bytes("x" + i), bytes("y"))))
                .extracting(dev.pirate.testing.RawPeer::text).containsExactly("py:x" + i, "y");
        }
    }

    @Test
    void ourWorkerReRegistersWhenTheirBrokerRestarts() {
        int port = PythonPeer.freePort();
        String endpoint = "tcp://127.0.0.1:" + port;
        PythonPeer first = PythonPeer.startReady("mdp_broker.py", "--bind", endpoint, "--heartbeat-ms", "200");
        MajordomoWorker worker = track(MajordomoWorker.builder(endpoint, "echo", (body) -> body)
            .heartbeatInterval(Duration.ofMillis(200)).reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(400))
            .build());
        worker.start();
        MajordomoClient client = ourClient(endpoint);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.serviceExists("echo"));
        first.close();
        track(PythonPeer.startReady("mdp_broker.py", "--bind", endpoint, "--heartbeat-ms", "200"));
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> client.serviceExists("echo"));
        assertThat(text(client.request("echo", bytes("back")))).isEqualTo("back");
    }
}
