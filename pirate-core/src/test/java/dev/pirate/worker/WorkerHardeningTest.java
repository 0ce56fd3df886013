package dev.pirate.worker;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.SocketType;

import dev.pirate.event.PirateListener;
import dev.pirate.support.Endpoints;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.RecordingListener;
import dev.pirate.testing.Resources;
import dev.pirate.testing.StderrLines;

/**
 * What a {@link MajordomoWorker} does with a hostile or vanished broker, a listener that throws and
 * an error its loop cannot survive; a raw ROUTER plays the broker.
 */
@Timeout(30)
class WorkerHardeningTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] W = bytes("MDPW01");

    private static final byte[] REQUEST = { 0x02 };

    private final RecordingListener events = new RecordingListener();

    @RegisterExtension
    final Resources resources = new Resources();

    private RawPeer broker() {
        return this.resources.track(RawPeer.bind(SocketType.ROUTER));
    }

    /** Starts a worker in plain MDP/0.1: the raw broker does not answer the PX/1 question. */
    private MajordomoWorker start(MajordomoWorker.Builder builder) {
        MajordomoWorker worker = builder.pirateExtension(false).build();
        this.resources.track(() -> worker.stop(Duration.ofSeconds(5)));
        worker.start();
        return worker;
    }

    /** Sends a request to the worker whose READY the raw broker received; returns the worker's routing id. */
    private static byte[] sendRequest(RawPeer broker, byte[] worker, String body) {
        broker.send(worker, EMPTY, W, REQUEST, bytes("client"), EMPTY, bytes(body));
        return worker;
    }

    @Test
    void aFloodOfInvalidMessagesLogsAFewLinesNotOnePerMessage() {
        RawPeer broker = broker();
        try (StderrLines log = StderrLines.capture()) {
            start(MajordomoWorker.builder(broker.endpoint(), "flooded", (body) -> body));
            byte[] worker = broker.receive().get(0);
            // Blocking sends instead of silent drops at a full pipe, so the request after the flood
            // cannot be lost when the worker reads slowly (a busy machine).
            broker.socket().setRouterMandatory(true);
            for (int i = 0; i < 20_000; i++) {
                broker.send(worker, EMPTY, W, new byte[] { 0x7f });
            }
            // One pipe keeps order: once this reply is back, the worker has read the whole flood.
            sendRequest(broker, worker, "after the flood");
            List<byte[]> reply = broker.receive();
            while (reply != null && !describe(reply).get(3).equals("0x03")) {
                reply = broker.receive();
            }
            assertThat(reply).as("reply").isNotNull();
            assertThat(describe(reply).get(reply.size() - 1)).isEqualTo("after the flood");

            assertThat(log.count("Worker for 'flooded' dropped an invalid message")).isBetween(1L, 20L);
        }
    }

    @Test
    void aHandlerFailureIsLoggedInOneLineWithoutItsStackTrace() {
        RawPeer broker = broker();
        try (StderrLines log = StderrLines.capture()) {
            start(MajordomoWorker.builder(broker.endpoint(), "picky", (body) -> {
                throw new IllegalArgumentException("'text' is required");
            }));
            byte[] worker = broker.receive().get(0);
            String line = "Handler of 'picky' failed: java.lang.IllegalArgumentException: 'text' is required";
            // The log allows one such line a second for the whole JVM, so another test's failure just
            // before may hold back the first: fail again until a line is written.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
                sendRequest(broker, worker, "{}");
                List<byte[]> reply = broker.receive();
                while (reply != null && !describe(reply).get(3).equals("0x03")) {
                    reply = broker.receive();
                }
                assertThat(reply).as("error reply").isNotNull();
                return log.count(line) > 0;
            });
            assertThat(log.count("at dev.pirate.worker.WorkerHardeningTest")).as("stack frames").isZero();
        }
    }

    @Test
    void aHeartbeatThatCannotGoIsSkippedInsteadOfWedgingTheWorker() {
        RawPeer broker = broker();
        // A handler slower than the pipe to a vanished broker takes to fill: at 1 ms per heartbeat the
        // keeper meets a full pipe (1000 messages) after about a second.
        MajordomoWorker worker = start(MajordomoWorker.builder(broker.endpoint(), "slow", (body) -> {
            Thread.sleep(3000);
            return body;
        }).heartbeatInterval(Duration.ofMillis(1)).liveness(100_000).listener(this.events));
        byte[] id = broker.receive().get(0);
        sendRequest(broker, id, "take your time");
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.registeredCount() == 1);
        broker.close();

        await().atMost(Duration.ofSeconds(10))
            .until(() -> this.events.count("workerRequestCompleted:slow:true") == 1);
        assertThat(worker.stop(Duration.ofSeconds(5))).as("stops within its grace period").isTrue();
    }

    @Test
    void anErrorTheLoopCannotSurviveStopsTheWorkerLoudly() {
        RawPeer broker = broker();
        AtomicReference<String> failedComponent = new AtomicReference<>();
        StackOverflowError fatal = new StackOverflowError("test: handler recursed too deep");
        MajordomoWorker worker = start(MajordomoWorker.builder(broker.endpoint(), "fatal", (body) -> {
            throw fatal;
        }).concurrency(2).threadNamePrefix("fatal-worker").listener(new PirateListener() {
            @Override
            public void loopFailed(String component, Throwable cause) {
                failedComponent.set(component);
            }
        }));
        byte[] id = broker.receive().get(0);
        broker.receive();
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.connectedCount() == 2);
        sendRequest(broker, id, "boom");

        await().atMost(Duration.ofSeconds(5)).until(() -> worker.failure() != null);
        assertThat(worker.failure()).isSameAs(fatal);
        await().atMost(Duration.ofSeconds(5)).until(() -> failedComponent.get() != null);
        assertThat(failedComponent.get()).startsWith("fatal-worker-");
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.connectedCount() == 0);
    }

    @Test
    void aListenerThatThrowsDoesNotCostTheConnection() {
        RawPeer broker = broker();
        start(MajordomoWorker.builder(broker.endpoint(), "guarded", (body) -> body).listener(new PirateListener() {
            @Override
            public void workerConnected(String service) {
                throw new IllegalStateException("listener bug");
            }
        }));
        byte[] id = broker.receive().get(0);
        sendRequest(broker, id, "still here");

        List<byte[]> reply = broker.receive();
        assertThat(describe(reply.subList(1, reply.size())))
            .containsExactly("", "MDPW01", "0x03", "client", "", "still here");
    }

    @Test
    void buildRejectsAnEndpointWithoutTransportNamingTheSetting() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> MajordomoWorker.builder("localhost:5555", "echo", (body) -> body).build())
            .withMessageContaining("endpoint")
            .withMessageContaining("localhost:5555");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> QueueWorker.paranoid("localhost:5556", (body) -> body).build())
            .withMessageContaining("endpoint");
    }

    @Test
    void endpointsAcceptWhatZeroMqBindsAndConnectsAndNothingElse() {
        for (String valid : List.of("tcp://localhost:5555", "tcp://*:5555", "tcp://127.0.0.1:*", "tcp://[::1]:5555",
                "tcp://broker.example.com:65535", "ipc:///tmp/pirate.sock", "inproc://workers")) {
            assertThat(Endpoints.check(valid, "endpoint")).isEqualTo(valid);
        }
        for (String invalid : List.of("localhost:5555", "tcp://localhost", "tcp://localhost:0", "tcp://host:70000",
                "tcp://:5555", "udp://host:5555", "ipc://", "", " tcp://localhost:5555")) {
            assertThatIllegalArgumentException().isThrownBy(() -> Endpoints.check(invalid, "--connect"))
                .withMessageContaining("--connect");
        }
    }
}
