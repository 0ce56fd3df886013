package dev.pirate.client;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.testing.ForeignBroker;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.Resources;
import dev.pirate.testing.RecordingListener;
import dev.pirate.worker.MajordomoWorker;

/**
 * Tests for {@link MajordomoClient}: frames, retries, errors, sync and async use.
 */
@Timeout(60)
class MajordomoClientTest {

    private static final byte[] EMPTY = new byte[0];

    private final RecordingListener events = new RecordingListener();

    private MajordomoBroker broker;

    @RegisterExtension
    final Resources resources = new Resources();

    @BeforeEach
    void startBroker() {
        this.broker = track(MajordomoBroker.builder().bind("tcp://127.0.0.1:*").build());
        this.broker.start();
    }

    private <T extends AutoCloseable> T track(T resource) {
        return this.resources.track(resource);
    }

    private MajordomoClient client(String endpoint, Duration timeout, int retries) {
        return track(MajordomoClient.builder(endpoint).timeout(timeout).retries(retries).listener(this.events).build());
    }

    private void echoWorker(String service, int concurrency) {
        MajordomoWorker worker = track(MajordomoWorker.builder(this.broker.connectEndpoint(), service, (body) -> body)
            .concurrency(concurrency).build());
        worker.start();
    }

    @Test
    void sendsMdpClientFramesAndReturnsTheReplyBody() {
        try (RawPeer fakeBroker = RawPeer.bind(SocketType.ROUTER)) {
            MajordomoClient client = client(fakeBroker.endpoint(), Duration.ofSeconds(5), 0);
            CompletableFuture<List<byte[]>> reply = client.requestAsync("echo", List.of(bytes("a"), bytes("b")));
            List<byte[]> request = ForeignBroker.nextRequest(fakeBroker);
            assertThat(describe(request.subList(1, request.size()))).containsExactly("", "MDPC01", "echo", "a", "b");
            fakeBroker.send(request.get(0), EMPTY, bytes("MDPC01"), bytes("echo"), bytes("A"), bytes("B"));
            assertThat(reply.join()).extracting(RawPeer::text).containsExactly("A", "B");
        }
    }

    @Test
    void multiFrameBodiesPassThroughBrokerAndWorkerUntouched() {
        echoWorker("echo", 1);
        MajordomoClient client = client(this.broker.connectEndpoint(), Duration.ofSeconds(5), 1);
        List<byte[]> reply = client.request("echo", List.of(bytes("one"), EMPTY, new byte[] { 0, 1, 2 }));
        assertThat(describe(reply)).containsExactly("one", "", "0x000102");
        assertThat(this.events.count("clientRequestCompleted:echo:success")).isEqualTo(1);
    }

    @Test
    void aLateReplyIsNeverReturnedForTheRetry() {
        try (RawPeer fakeBroker = RawPeer.bind(SocketType.ROUTER)) {
            MajordomoClient client = client(fakeBroker.endpoint(), Duration.ofMillis(300), 2);
            CompletableFuture<byte[]> result = CompletableFuture.supplyAsync(() -> client.request("echo", bytes("req")));
            byte[] firstAttempt = ForeignBroker.nextRequest(fakeBroker).get(0);
            byte[] secondAttempt = ForeignBroker.nextRequest(fakeBroker).get(0);
            assertThat(secondAttempt).isNotEqualTo(firstAttempt);
            fakeBroker.send(firstAttempt, EMPTY, bytes("MDPC01"), bytes("echo"), bytes("LATE"));
            fakeBroker.send(secondAttempt, EMPTY, bytes("MDPC01"), bytes("echo"), bytes("FRESH"));
            assertThat(text(result.join())).isEqualTo("FRESH");
            assertThat(this.events.count("clientRetry:echo")).isEqualTo(1);
        }
    }

    @Test
    void exhaustedRetriesNameServiceEndpointAttemptsAndTime() {
        try (RawPeer silent = RawPeer.bind(SocketType.ROUTER)) {
            MajordomoClient client = client(silent.endpoint(), Duration.ofMillis(100), 2);
            CompletableFuture<Void> answerProbe = CompletableFuture.runAsync(() -> {
                List<byte[]> message;
                do {
                    message = silent.receive();
                    assertThat(message).as("the client asks mmi.service after its last attempt").isNotNull();
                }
                while (!text(message.get(3)).equals("mmi.service"));
                assertThat(describe(message.subList(1, message.size())))
                    .containsExactly("", "MDPC01", "mmi.service", "echo");
                silent.send(message.get(0), EMPTY, bytes("MDPC01"), bytes("mmi.service"), bytes("200"));
            });
            assertThatThrownBy(() -> client.request("echo", bytes("x")))
                .isInstanceOfSatisfying(PirateTimeoutException.class, (ex) -> {
                    assertThat(ex.attempts()).isEqualTo(3);
                    assertThat(ex.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
                    assertThat(ex.target()).isEqualTo("echo");
                    assertThat(ex.getMessage()).contains("'echo'", silent.endpoint(), "3 attempts");
                });
            assertThat(this.events.count("clientRetry:echo")).isEqualTo(2);
            assertThat(this.events.count("clientRequestCompleted:echo:timeout")).isEqualTo(1);
            answerProbe.join();
        }
    }

    @Test
    void anInvalidServiceNameIsAPirateExceptionAndNothingIsSent() {
        MajordomoClient client = client(this.broker.connectEndpoint(), Duration.ofMillis(200), 1);
        for (String name : List.of("two words", "", "x".repeat(256))) {
            assertThatThrownBy(() -> client.request(name, bytes("x")))
                .isInstanceOf(PirateInvalidServiceException.class)
                .hasMessageContaining("Invalid service name '" + name + "'")
                .extracting((ex) -> ((PirateException) ex).target())
                .isEqualTo(name);
            assertThatThrownBy(() -> client.requestAsync(name, List.of(bytes("x"))))
                .isInstanceOf(PirateInvalidServiceException.class);
        }
        assertThat(this.broker.snapshot().services()).isEmpty();
    }

    @Test
    void aServiceWithoutWorkersIsReportedUnknownNotAsATimeout() {
        MajordomoClient client = client(this.broker.connectEndpoint(), Duration.ofMillis(200), 1);
        assertThatThrownBy(() -> client.request("nobody", bytes("x")))
            .isInstanceOf(PirateUnknownServiceException.class)
            .hasMessageContaining("'nobody'");
        assertThat(this.events.count("clientRetry:nobody")).as("retried before asking MMI").isEqualTo(1);
        assertThat(this.events.count("clientRequestCompleted:nobody:unknown_service")).isEqualTo(1);
    }

    @Test
    void handlerFailureReachesTheCallerAsARemoteError() {
        MajordomoWorker worker = track(MajordomoWorker.builder(this.broker.connectEndpoint(), "boom", (body) -> {
            throw new IllegalArgumentException("bad quantity");
        }).build());
        worker.start();
        MajordomoClient client = client(this.broker.connectEndpoint(), Duration.ofSeconds(5), 3);
        assertThatThrownBy(() -> client.request("boom", bytes("x")))
            .isInstanceOfSatisfying(PirateRemoteException.class,
                    (ex) -> assertThat(ex.remoteMessage()).contains("bad quantity")
                        .as("no class name unless the worker is told to").doesNotContain("IllegalArgumentException"));
        assertThat(this.events.count("clientRetry:boom")).isZero();
    }

    @Test
    void serviceExistsAsksMmi() {
        echoWorker("echo", 1);
        MajordomoClient client = client(this.broker.connectEndpoint(), Duration.ofSeconds(2), 1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> client.serviceExists("echo"));
        assertThat(client.serviceExists("nobody")).isFalse();
    }

    @Test
    void manyAsyncRequestsInFlightEachGetTheirOwnReply() {
        echoWorker("echo", 4);
        MajordomoClient client = client(this.broker.connectEndpoint(), Duration.ofSeconds(10), 1);
        List<CompletableFuture<List<byte[]>>> futures = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            futures.add(client.requestAsync("echo", List.of(bytes("request-" + i))));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(text(futures.get(i).join().get(0))).isEqualTo("request-" + i);
        }
    }

    @Test
    void asyncRequestsReportUnknownServices() {
        MajordomoClient client = client(this.broker.connectEndpoint(), Duration.ofMillis(200), 1);
        CompletableFuture<List<byte[]>> future = client.requestAsync("nobody", List.of(bytes("x")));
        assertThatThrownBy(future::join).hasCauseInstanceOf(PirateUnknownServiceException.class);
    }

    @Test
    void manyThreadsShareOneClient() throws Exception {
        echoWorker("echo", 4);
        MajordomoClient client = client(this.broker.connectEndpoint(), Duration.ofSeconds(10), 1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        String body = thread + "/" + i;
                        if (!text(client.request("echo", bytes(body))).equals(body)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
            }
        }
        finally {
            pool.shutdown();
        }
        assertThat(this.events.count("clientRequestCompleted:echo:success")).isEqualTo(1600);
    }

    @Test
    void closingFailsAsyncRequestsInFlight() throws Exception {
        try (RawPeer silent = RawPeer.bind(SocketType.ROUTER)) {
            MajordomoClient client = MajordomoClient.builder(silent.endpoint()).timeout(Duration.ofSeconds(30)).build();
            CompletableFuture<List<byte[]>> future = client.requestAsync("echo", List.of(bytes("x")));
            silent.receive();
            client.close();
            assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(PirateException.class).hasMessageContaining("closed");
        }
    }
}
