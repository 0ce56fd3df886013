package dev.pirate;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.ZContext;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoClient;
import dev.pirate.worker.MajordomoWorker;

/**
 * A broker, workers and a client sharing one ZeroMQ context talk over {@code inproc://}, while a
 * remote client still reaches the broker over TCP; every component closes only its own sockets, so
 * the shared context then terminates at once.
 */
@Timeout(60)
class InProcessTransportTest {

    private static final String INPROC = "inproc://pirate-broker-test";

    @Test
    void localPeersUseInprocRemoteOnesTcpAndTheSharedContextClosesCleanly() throws Exception {
        ZContext shared = new ZContext(1);
        MajordomoBroker broker = MajordomoBroker.builder().context(shared).bind("tcp://127.0.0.1:*").bind(INPROC)
            .build();
        broker.start();
        MajordomoWorker plain = MajordomoWorker.builder(INPROC, "upper",
                (body) -> List.of(text(body.get(0)).toUpperCase().getBytes())).context(shared).build();
        MajordomoWorker credited = MajordomoWorker.builder(INPROC, "echo", (body) -> body).context(shared)
            .prefetch(32).concurrency(2).build();
        plain.start();
        credited.start();
        MajordomoClient local = MajordomoClient.builder(INPROC).context(shared).timeout(Duration.ofSeconds(5)).build();
        MajordomoClient remote = MajordomoClient.builder(broker.connectEndpoint()).timeout(Duration.ofSeconds(5))
            .build();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.snapshot().workers() == 2);
            assertThat(broker.connectEndpoint()).startsWith("tcp://");
            assertThat(text(local.request("upper", bytes("inproc")))).isEqualTo("INPROC");
            assertThat(text(remote.request("upper", bytes("tcp")))).isEqualTo("TCP");
            CompletableFuture<?>[] calls = new CompletableFuture<?>[200];
            for (int i = 0; i < calls.length; i++) {
                String body = "n" + i;
                calls[i] = local.requestAsync("echo", List.of(bytes(body)))
                    .thenAccept((reply) -> assertThat(text(reply.get(0))).isEqualTo(body));
            }
            CompletableFuture.allOf(calls).get(30, TimeUnit.SECONDS);
        }
        finally {
            local.close();
            remote.close();
            plain.stop(Duration.ofSeconds(5));
            credited.stop(Duration.ofSeconds(5));
            broker.close();
        }
        CompletableFuture<Void> closing = CompletableFuture.runAsync(shared::close);
        closing.get(10, TimeUnit.SECONDS);
        assertThat(shared.isClosed()).isTrue();
    }
}
