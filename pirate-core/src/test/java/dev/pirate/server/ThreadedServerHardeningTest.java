package dev.pirate.server;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
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
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.RecordingListener;
import dev.pirate.testing.Resources;
import dev.pirate.testing.StderrLines;
import dev.pirate.worker.RequestHandler;

/**
 * What a {@link ThreadedServer} does with oversized requests, failing handlers, a listener that
 * throws and an error a serving thread cannot survive.
 */
@Timeout(30)
class ThreadedServerHardeningTest {

    private static final byte[] EMPTY = new byte[0];

    private final RecordingListener events = new RecordingListener();

    @RegisterExtension
    final Resources resources = new Resources();

    private ThreadedServer start(ThreadedServer.Builder builder) {
        ThreadedServer server = this.resources.track(builder.build());
        server.start();
        return server;
    }

    private RawPeer client(ThreadedServer server) {
        return this.resources.track(RawPeer.connect(SocketType.DEALER, server.endpoint()));
    }

    private static String call(RawPeer client, String body) {
        client.send(EMPTY, bytes(body));
        List<byte[]> reply = client.receive();
        assertThat(reply).as("reply to " + body).isNotNull();
        return text(reply.get(1));
    }

    @Test
    void requestsOverTheLimitsAreDroppedAndCounted() {
        ThreadedServer server = start(ThreadedServer.builder("tcp://127.0.0.1:*", (body) -> body)
            .threads(1)
            .maxMessageSize(1024)
            .maxFrames(8)
            .listener(this.events));
        RawPeer client = client(server);

        client.send(EMPTY, new byte[600], new byte[600]);
        client.send(EMPTY, bytes("1"), bytes("2"), bytes("3"), bytes("4"), bytes("5"), bytes("6"), bytes("7"));
        assertThat(call(client, "small")).isEqualTo("small");

        assertThat(server.droppedRequests()).isEqualTo(2);
        assertThat(this.events.count("brokerMessageDropped:oversized")).isEqualTo(2);
    }

    @Test
    void aSingleFrameOverTheSizeLimitIsRefusedByZeroMq() {
        ThreadedServer server = start(ThreadedServer.builder("tcp://127.0.0.1:*", (body) -> body)
            .threads(1)
            .maxMessageSize(1024));

        RawPeer big = client(server);
        big.send(EMPTY, new byte[4096]);
        assertThat(big.receive(500)).as("no echo of an oversized frame").isNull();

        assertThat(call(client(server), "small")).isEqualTo("small");
        // ZeroMQ dropped that connection; the proxy never buffered the frame.
        assertThat(server.droppedRequests()).isZero();
    }

    @Test
    void failingHandlersLogAFewLinesNotOnePerRequest() {
        try (StderrLines log = StderrLines.capture()) {
            ThreadedServer server = start(ThreadedServer.builder("tcp://127.0.0.1:*", (body) -> {
                throw new IllegalArgumentException("bad input");
            }).threads(1).name("picky"));
            RawPeer client = client(server);
            for (int i = 0; i < 500; i++) {
                assertThat(call(client, "x")).contains("PIRATE-ERROR");
            }

            assertThat(log.count("Handler of 'picky' failed")).isBetween(1L, 20L);
        }
    }

    @Test
    void anErrorInAServingThreadStopsTheWholeServerLoudly() {
        AtomicReference<String> failedComponent = new AtomicReference<>();
        StackOverflowError fatal = new StackOverflowError("test: handler recursed too deep");
        RequestHandler handler = (body) -> {
            if (text(body.get(0)).equals("die")) {
                throw fatal;
            }
            return body;
        };
        ThreadedServer server = start(ThreadedServer.builder("tcp://127.0.0.1:*", handler)
            .threads(2)
            .listener(new PirateListener() {
                @Override
                public void loopFailed(String component, Throwable cause) {
                    failedComponent.set(component);
                }
            }));
        assertThat(call(client(server), "alive")).isEqualTo("alive");

        client(server).send(EMPTY, bytes("die"));

        await().atMost(Duration.ofSeconds(5)).until(() -> !server.isRunning());
        assertThat(server.failure()).hasCauseReference(fatal).hasMessageContaining("pirate-server-");
        // The listener hears it as the proxy thread ends, just after the server stops counting as running.
        await().atMost(Duration.ofSeconds(5)).until(() -> failedComponent.get() != null);
        assertThat(failedComponent.get()).isEqualTo("pirate-server-proxy");
        RawPeer late = client(server);
        late.send(EMPTY, bytes("anyone?"));
        assertThat(late.receive(300)).as("no half-alive server").isNull();
    }

    @Test
    void aListenerThatThrowsDoesNotCostAServingThread() {
        ThreadedServer server = start(ThreadedServer.builder("tcp://127.0.0.1:*", (body) -> body)
            .threads(1)
            .listener(new PirateListener() {
                @Override
                public void workerRequestCompleted(String service, boolean success, long nanos) {
                    throw new IllegalStateException("listener bug");
                }
            }));
        RawPeer client = client(server);

        assertThat(call(client, "one")).isEqualTo("one");
        assertThat(call(client, "two")).isEqualTo("two");
        assertThat(server.isRunning()).isTrue();
    }

    @Test
    void buildRejectsAnEndpointWithoutTransportNamingTheSetting() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> ThreadedServer.builder("*:5555", (body) -> body).build())
            .withMessageContaining("bind")
            .withMessageContaining("*:5555");
    }
}
