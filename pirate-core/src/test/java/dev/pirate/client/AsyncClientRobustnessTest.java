package dev.pirate.client;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.SocketType;

import dev.pirate.event.ClientOutcome;
import dev.pirate.event.PirateListener;
import dev.pirate.server.ThreadedServer;
import dev.pirate.testing.ForeignBroker;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.Resources;
import dev.pirate.testing.UpperCaseServer;

/**
 * Issue 10: the async client's I/O thread neither spins when idle, nor dies of too many requests, a
 * bad request or a throwing listener, and if it dies anyway no future is left hanging.
 */
@Timeout(60)
class AsyncClientRobustnessTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] MDPC01 = bytes("MDPC01");

    @RegisterExtension
    final Resources resources = new Resources();

    private <T extends AutoCloseable> T track(T resource) {
        return this.resources.track(resource);
    }

    /** Answers one MDP request received by a fake broker with its own body, as an echo service would. */
    private static void echo(RawPeer fakeBroker, List<byte[]> request) {
        List<byte[]> reply = new ArrayList<>(request);
        reply.set(2, MDPC01);
        fakeBroker.send(reply.toArray(new byte[0][]));
    }

    @Test
    void theIdleIoThreadDoesNotSpinAfterARequest() {
        RawPeer fakeBroker = track(RawPeer.bind(SocketType.ROUTER));
        String threadName = "idle-spin-test-io";
        MajordomoClient client = track(MajordomoClient.builder(fakeBroker.endpoint()).threadName(threadName).build());
        CompletableFuture<List<byte[]>> reply = client.requestAsync("echo", List.of(bytes("ping")));
        echo(fakeBroker, ForeignBroker.nextRequest(fakeBroker));
        assertThat(text(reply.join().get(0))).isEqualTo("ping");

        Thread io = Thread.getAllStackTraces().keySet().stream().filter((t) -> t.getName().equals(threadName))
            .findFirst().orElseThrow();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long window = TimeUnit.SECONDS.toNanos(2);
        long cpuBefore = threads.getThreadCpuTime(io.getId());
        long start = System.nanoTime();
        // The window is the measurement itself, not a wait for something to happen.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
            .until(() -> System.nanoTime() - start >= window);
        long cpu = threads.getThreadCpuTime(io.getId()) - cpuBefore;

        assertThat(cpu).as("CPU time of the idle I/O thread over %d ms, in ns", TimeUnit.NANOSECONDS.toMillis(window))
            .isLessThan(window / 10);
    }

    @Test
    void pastTheDefaultInFlightLimitRequestsFailAtOnceAndTheOthersStillGetTheirReplies() {
        RawPeer fakeBroker = track(RawPeer.bind(SocketType.ROUTER));
        MajordomoClient client = track(MajordomoClient.builder(fakeBroker.endpoint())
            .timeout(Duration.ofSeconds(30)).retries(0).build());
        int limit = 1000;
        // More than ZeroMQ's default socket cap of 1,024, which used to kill the I/O thread.
        int sent = 1100;
        List<CompletableFuture<List<byte[]>>> replies = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            replies.add(client.requestAsync("echo", List.of(bytes("r" + i))));
        }

        for (CompletableFuture<List<byte[]>> refused : replies.subList(limit, sent)) {
            assertThat(refused).isCompletedExceptionally();
            assertThatThrownBy(refused::join).cause().isInstanceOf(PirateInFlightLimitException.class)
                .hasMessageContaining("1000").hasMessageContaining("maxInFlight");
        }
        for (int i = 0; i < limit; i++) {
            echo(fakeBroker, ForeignBroker.nextRequest(fakeBroker));
        }
        for (int i = 0; i < limit; i++) {
            assertThat(text(replies.get(i).orTimeout(30, TimeUnit.SECONDS).join().get(0))).isEqualTo("r" + i);
        }

        // Every permit came back: a full window can be sent again.
        CompletableFuture<List<byte[]>> later = client.requestAsync("echo", List.of(bytes("later")));
        echo(fakeBroker, ForeignBroker.nextRequest(fakeBroker));
        assertThat(text(later.orTimeout(10, TimeUnit.SECONDS).join().get(0))).isEqualTo("later");
    }

    @Test
    void theInFlightLimitIsABuilderOptionThatBoundsSyncAndAsyncRequests() {
        RawPeer fakeBroker = track(RawPeer.bind(SocketType.ROUTER));
        MajordomoClient client = track(MajordomoClient.builder(fakeBroker.endpoint()).maxInFlight(2)
            .timeout(Duration.ofSeconds(30)).retries(0).build());
        CompletableFuture<List<byte[]>> first = client.requestAsync("echo", List.of(bytes("1")));
        CompletableFuture<List<byte[]>> second = client.requestAsync("echo", List.of(bytes("2")));
        CompletableFuture<List<byte[]>> third = client.requestAsync("echo", List.of(bytes("3")));

        assertThat(third).isCompletedExceptionally();
        assertThatThrownBy(third::join).cause().isInstanceOf(PirateInFlightLimitException.class)
            .hasMessageContaining("2 requests in flight").hasMessageContaining("maxInFlight(int)");
        assertThatThrownBy(() -> client.request("echo", List.of(bytes("sync"))))
            .isInstanceOf(PirateInFlightLimitException.class)
            .satisfies((ex) -> assertThat(((PirateInFlightLimitException) ex).limit()).isEqualTo(2));
        assertThatThrownBy(() -> MajordomoClient.builder(fakeBroker.endpoint()).maxInFlight(0))
            .isInstanceOf(IllegalArgumentException.class);

        echo(fakeBroker, ForeignBroker.nextRequest(fakeBroker));
        echo(fakeBroker, ForeignBroker.nextRequest(fakeBroker));
        assertThat(first.orTimeout(10, TimeUnit.SECONDS).join()).isNotEmpty();
        assertThat(second.orTimeout(10, TimeUnit.SECONDS).join()).isNotEmpty();
        CompletableFuture<List<byte[]>> fourth = client.requestAsync("echo", List.of(bytes("4")));
        echo(fakeBroker, ForeignBroker.nextRequest(fakeBroker));
        assertThat(text(fourth.orTimeout(10, TimeUnit.SECONDS).join().get(0))).isEqualTo("4");
    }

    @Test
    void aRequestThatFailsWhileSendingFailsAloneAndTheLoopServesTheNext() {
        RawPeer fakeBroker = track(RawPeer.bind(SocketType.ROUTER));
        MajordomoClient client = track(MajordomoClient.builder(fakeBroker.endpoint()).build());
        // A body whose frames cannot be read: the send throws on the I/O thread, half-way through a message.
        List<byte[]> unreadable = new AbstractList<>() {

            @Override
            public byte[] get(int index) {
                throw new IllegalStateException("unreadable frame");
            }

            @Override
            public int size() {
                return 1;
            }
        };

        CompletableFuture<List<byte[]>> bad = client.requestAsync("echo", unreadable);
        Throwable failure = await().atMost(Duration.ofSeconds(10)).until(() -> failureOf(bad), (f) -> f != null);
        assertThat(failure).isInstanceOf(PirateException.class).hasMessageContaining("'echo'")
            .hasRootCauseInstanceOf(IllegalStateException.class);

        CompletableFuture<List<byte[]>> good = client.requestAsync("echo", List.of(bytes("good")));
        List<byte[]> request = ForeignBroker.nextRequest(fakeBroker);
        assertThat(text(request.get(request.size() - 1))).isEqualTo("good");
        echo(fakeBroker, request);
        assertThat(text(good.orTimeout(10, TimeUnit.SECONDS).join().get(0))).isEqualTo("good");
    }

    @Test
    void aDeadLoopFailsEveryRequestInFlightAndEveryLaterOneAtOnceAndSaysWhy() {
        RawPeer fakeBroker = track(RawPeer.bind(SocketType.ROUTER));
        Map<String, Throwable> loopFailures = new ConcurrentHashMap<>();
        PirateListener deadly = new PirateListener() {

            @Override
            public void clientRequestCompleted(String service, ClientOutcome outcome, long nanos) {
                if (service.equals("boom")) {
                    // An Error is not a listener's ordinary failure: it ends the loop, as it should.
                    throw new Boom();
                }
            }

            @Override
            public void loopFailed(String component, Throwable cause) {
                loopFailures.put(component, cause);
            }
        };
        MajordomoClient client = track(MajordomoClient.builder(fakeBroker.endpoint()).threadName("dying-io")
            .timeout(Duration.ofSeconds(30)).retries(0).listener(deadly).build());
        CompletableFuture<List<byte[]>> waiting = client.requestAsync("slow", List.of(bytes("never answered")));
        ForeignBroker.nextRequest(fakeBroker);
        CompletableFuture<List<byte[]>> killer = client.requestAsync("boom", List.of(bytes("x")));
        echo(fakeBroker, ForeignBroker.nextRequest(fakeBroker));

        Throwable failure = await().atMost(Duration.ofSeconds(10)).until(() -> failureOf(waiting), (f) -> f != null);
        assertThat(failure).isInstanceOf(PirateException.class).hasCauseInstanceOf(Boom.class)
            .hasMessageContaining("dying-io").hasMessageContaining("Boom").hasMessageContaining("'slow'");
        assertThat(await().atMost(Duration.ofSeconds(10)).until(() -> failureOf(killer), (f) -> f != null))
            .isInstanceOf(PirateException.class).hasCauseInstanceOf(Boom.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> loopFailures.containsKey("dying-io"));
        assertThat(loopFailures.get("dying-io")).isInstanceOf(Boom.class);

        CompletableFuture<List<byte[]>> later = client.requestAsync("echo", List.of(bytes("later")));
        assertThat(later).isCompletedExceptionally();
        assertThat(failureOf(later)).isInstanceOf(PirateException.class).hasCauseInstanceOf(Boom.class)
            .hasMessageContaining("'echo'");
    }

    @Test
    void aThrowingListenerFailsNoRequestAndLeavesTheLoopServing() {
        ThreadedServer server = track(UpperCaseServer.start());
        PirateListener throwing = new PirateListener() {

            @Override
            public void clientRequestCompleted(String service, ClientOutcome outcome, long nanos) {
                throw new IllegalStateException("listener bug");
            }
        };
        DirectClient client = track(DirectClient.builder(server.endpoint()).listener(throwing).build());

        assertThat(text(client.request(bytes("sync")))).isEqualTo("SYNC");
        for (String word : List.of("first", "second")) {
            CompletableFuture<List<byte[]>> reply = client.requestAsync(List.of(bytes(word)), client.defaults());
            assertThat(text(reply.orTimeout(10, TimeUnit.SECONDS).join().get(0))).isEqualTo(word.toUpperCase());
        }
    }

    /** The exception a completed future failed with, or {@code null} while it is pending or if it succeeded. */
    private static Throwable failureOf(CompletableFuture<?> future) {
        if (!future.isCompletedExceptionally()) {
            return null;
        }
        try {
            future.join();
            return null;
        }
        catch (CompletionException ex) {
            return ex.getCause();
        }
    }

    /** An Error thrown by a listener on the I/O thread. */
    private static final class Boom extends Error {

        private static final long serialVersionUID = 1L;

        Boom() {
            super("Boom");
        }
    }
}
