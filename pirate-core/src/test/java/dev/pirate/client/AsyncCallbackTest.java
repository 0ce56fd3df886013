package dev.pirate.client;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.SocketType;

import dev.pirate.testing.ForeignBroker;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.Resources;

/**
 * Issue 11: the futures of asynchronous requests complete on a callback executor, never on the
 * client's I/O thread, so one caller's slow continuation cannot hold up another caller's reply.
 */
@Timeout(60)
class AsyncCallbackTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] MDPC01 = bytes("MDPC01");

    @RegisterExtension
    final Resources resources = new Resources();

    private <T extends AutoCloseable> T track(T resource) {
        return this.resources.track(resource);
    }

    private static void reply(RawPeer broker, List<byte[]> request, String body) {
        broker.send(request.get(0), EMPTY, MDPC01, request.get(3), bytes(body));
    }

    @Test
    void aBlockedContinuationOfOneCallDoesNotDelayAnotherCallsCompletion() throws Exception {
        RawPeer broker = track(RawPeer.bind(SocketType.ROUTER));
        MajordomoClient client = track(MajordomoClient.builder(broker.endpoint()).timeout(Duration.ofSeconds(20))
            .build());
        CountDownLatch slowEntered = new CountDownLatch(1);
        CountDownLatch releaseSlow = new CountDownLatch(1);
        AtomicBoolean slowFinished = new AtomicBoolean();
        CountDownLatch fastDone = new CountDownLatch(1);

        CompletableFuture<List<byte[]>> slow = client.requestAsync("slow", List.of(bytes("a")));
        CompletableFuture<Void> slowContinuation = slow.thenAccept((reply) -> {
            slowEntered.countDown();
            try {
                // Two seconds at most, so the test ends even on an I/O thread the continuation blocks.
                releaseSlow.await(2, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            slowFinished.set(true);
        });
        CompletableFuture<List<byte[]>> fast = client.requestAsync("fast", List.of(bytes("b")));
        fast.thenRun(fastDone::countDown);
        List<byte[]> first = ForeignBroker.nextRequest(broker);
        List<byte[]> second = ForeignBroker.nextRequest(broker);
        List<byte[]> slowRequest = text(first.get(3)).equals("slow") ? first : second;
        List<byte[]> fastRequest = (slowRequest == first) ? second : first;

        reply(broker, slowRequest, "A");
        assertThat(slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
        reply(broker, fastRequest, "B");
        assertThat(fastDone.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(slowFinished).as("the other call completed while this continuation was still blocked").isFalse();
        releaseSlow.countDown();
        slowContinuation.get(10, TimeUnit.SECONDS);
    }

    @Test
    void continuationsRunOnTheNamedCallbackThreadsNotOnTheIoThread() {
        RawPeer broker = track(RawPeer.bind(SocketType.ROUTER));
        MajordomoClient client = track(MajordomoClient.builder(broker.endpoint()).threadName("test-client-io")
            .timeout(Duration.ofSeconds(20)).build());

        CompletableFuture<List<byte[]>> call = client.requestAsync("echo", List.of(bytes("x")));
        // Attached before the reply exists, so it runs where the future completes.
        CompletableFuture<String> thread = call.thenApply((reply) -> Thread.currentThread().getName());
        reply(broker, ForeignBroker.nextRequest(broker), "X");

        assertThat(thread.join()).startsWith("pirate-client-callback-").isNotEqualTo("test-client-io");
    }

    @Test
    void aDirectClientCompletesOnTheExecutorItWasGiven() {
        RawPeer server = track(RawPeer.bind(SocketType.ROUTER));
        ExecutorService callbacks = Executors.newSingleThreadExecutor((task) -> new Thread(task, "app-callbacks"));
        try {
            DirectClient client = track(DirectClient.builder(server.endpoint()).timeout(Duration.ofSeconds(20))
                .callbackExecutor(callbacks).build());

            CompletableFuture<List<byte[]>> call = client.requestAsync(List.of(bytes("x")), client.defaults());
            CompletableFuture<String> thread = call.thenApply((reply) -> Thread.currentThread().getName());
            List<byte[]> request = server.receive();
            server.send(request.get(0), EMPTY, bytes("X"));

            assertThat(thread.join()).isEqualTo("app-callbacks");
        }
        finally {
            callbacks.shutdownNow();
        }
    }
}
