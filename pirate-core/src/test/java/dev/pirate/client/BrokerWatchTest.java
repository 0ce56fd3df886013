package dev.pirate.client;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.SocketType;

import dev.pirate.protocol.PirateExtension;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.RawPxBroker;
import dev.pirate.testing.Resources;

/**
 * Tests for {@link BrokerWatch}: a call waiting on a broker whose connection closes moves to another
 * broker at once, long before its timeout, and a broker whose connection comes back is used again
 * before its quarantine is over.
 * <p>
 * The brokers are raw ROUTER sockets that speak just enough PX/1, so the test decides which one
 * holds the call. The client's timeout is ten minutes and the quarantine one minute: only the watch
 * can end the wait, or end the skipping, within the deadlines below.
 */
@Timeout(120)
class BrokerWatchTest {

    private static final Duration NEVER = Duration.ofMinutes(10);

    @RegisterExtension
    final Resources resources = new Resources();

    private final ExecutorService callers = Executors.newSingleThreadExecutor();

    private MajordomoClient client(RawPeer first, RawPeer second) {
        this.resources.track(this.callers::shutdownNow);
        return this.resources.track(MajordomoClient.builder(List.of(first.endpoint(), second.endpoint()))
            .timeout(NEVER)
            .retries(2)
            .brokerFailurePolicy(2, Duration.ofMinutes(1))
            .build());
    }

    @Test
    void anAsyncCallOnABrokerThatDiesMovesToTheOtherAtOnce() throws Exception {
        brokerDiesHoldingTheCall((client) -> client.requestAsync("echo", List.of(bytes("hello"))));
    }

    @Test
    void aSyncCallOnABrokerThatDiesMovesToTheOtherAtOnce() throws Exception {
        brokerDiesHoldingTheCall((client) -> CompletableFuture
            .supplyAsync(() -> client.request("echo", List.of(bytes("hello"))), this.callers));
    }

    private void brokerDiesHoldingTheCall(Function<MajordomoClient, CompletableFuture<List<byte[]>>> call)
            throws Exception {
        RawPeer first = RawPeer.bind(SocketType.ROUTER);
        RawPeer second = RawPeer.bind(SocketType.ROUTER);
        this.resources.track(first);
        this.resources.track(second);
        MajordomoClient client = client(first, second);
        CompletableFuture<List<byte[]>> reply = call.apply(client);

        // Whichever broker gets the call holds it and then dies; the other must get the same call.
        RawPeer holder = null;
        String lost = null;
        byte[] heldId = null;
        byte[] movedId = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!reply.isDone() && System.nanoTime() - deadline < 0) {
            for (RawPeer peer : List.of(first, second)) {
                if (peer == holder) {
                    continue;
                }
                List<byte[]> message = RawPxBroker.nextRequest(peer, 20);
                if (message == null) {
                    continue;
                }
                String service = RawPxBroker.service(message);
                if (service.equals("echo") && holder == null) {
                    holder = peer;
                    lost = peer.endpoint();
                    heldId = PirateExtension.requestId(message.get(4));
                    // The broker's process dies: the operating system closes its connections.
                    peer.close();
                }
                else if (service.equals("echo")) {
                    movedId = PirateExtension.requestId(message.get(4));
                    RawPxBroker.reply(peer, message, "from the other");
                }
            }
        }
        assertThat(holder).as("a broker received the call").isNotNull();
        assertThat(text(reply.get(30, TimeUnit.SECONDS).get(0))).isEqualTo("from the other");
        assertThat(movedId).as("the same call, moved").isEqualTo(heldId);
        assertThat(client.failovers()).isEqualTo(1);
        assertThat(client.isBrokerSkipped(lost)).isTrue();

        // The broker comes back on its port: the watch's connection to it is made again, and the
        // client uses it again without waiting out the minute of quarantine.
        String endpoint = lost;
        this.resources.track(RawPeer.bind(SocketType.ROUTER, endpoint));
        await().atMost(Duration.ofSeconds(30)).until(() -> !client.isBrokerSkipped(endpoint));
    }
}
