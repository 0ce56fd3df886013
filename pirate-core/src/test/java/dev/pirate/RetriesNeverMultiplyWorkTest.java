package dev.pirate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoClient;
import dev.pirate.client.PirateException;
import dev.pirate.client.PirateUnknownServiceException;
import dev.pirate.testing.RecordingListener;
import dev.pirate.worker.MajordomoWorker;

/**
 * Issue 11 end to end, Pirate client, broker and worker together: a handler slower than the
 * caller's timeout runs once per call however often the caller retries, the caller gets the reply,
 * nothing runs after its caller's deadline, the next call does not wait behind abandoned copies,
 * and a service nobody offers fails after the broker's grace rather than after every retry.
 * Handler executions are counted per request body.
 */
@Timeout(60)
class RetriesNeverMultiplyWorkTest {

    private static final long SLOW_MILLIS = 1500;

    private final ConcurrentHashMap<String, AtomicInteger> executions = new ConcurrentHashMap<>();

    private final RecordingListener brokerEvents = new RecordingListener();

    private MajordomoBroker broker;

    private MajordomoWorker worker;

    @BeforeEach
    void start() {
        // A new broker calls a service unknown only once its restarted workers could be back: short here.
        this.broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").heartbeatInterval(Duration.ofMillis(200))
            .unknownServiceGrace(Duration.ofMillis(500)).workerReturnTime(Duration.ofMillis(500))
            .listener(this.brokerEvents).build();
        this.broker.start();
        this.worker = MajordomoWorker.builder(this.broker.connectEndpoint(), "slow", (body) -> {
            String text = new String(body.get(0), StandardCharsets.UTF_8);
            this.executions.computeIfAbsent(text, (k) -> new AtomicInteger()).incrementAndGet();
            if (text.startsWith("work")) {
                Thread.sleep(SLOW_MILLIS);
            }
            return body;
        }).heartbeatInterval(Duration.ofMillis(200)).build();
        this.worker.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> this.broker.snapshot().workers() == 1);
    }

    @AfterEach
    void stop() {
        this.worker.close();
        this.broker.close();
    }

    private MajordomoClient client(Duration timeout, int retries) {
        return MajordomoClient.builder(this.broker.connectEndpoint()).timeout(timeout).retries(retries).build();
    }

    private int executions(String body) {
        AtomicInteger count = this.executions.get(body);
        return (count != null) ? count.get() : 0;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aHandlerSlowerThanTheTimeoutRunsOncePerCallAndTheNextCallWaitsForNoCopy() {
        RecordingListener clientEvents = new RecordingListener();
        try (MajordomoClient client = MajordomoClient.builder(this.broker.connectEndpoint())
            .timeout(Duration.ofMillis(500)).retries(5).listener(clientEvents).build()) {
            for (int i = 0; i < 3; i++) {
                String body = "work-" + i;
                assertThat(client.request("slow", bytes(body))).asString().isEqualTo(body);
                assertThat(executions(body)).as("executions of " + body).isEqualTo(1);
            }
            assertThat(clientEvents.count("clientRetry:slow")).as("the calls did retry").isGreaterThanOrEqualTo(3);
            assertThat(this.brokerEvents.count("brokerRetryCoalesced:slow")).isGreaterThanOrEqualTo(3);

            assertThat(client.request("slow", bytes("quick"))).asString().isEqualTo("quick");
            // Had any retry been queued as a copy, it would have run before this call's request.
            assertThat(this.executions.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(4);
        }
    }

    @Test
    void aRequestIsNotHandedToTheWorkerAfterItsCallersDeadline() {
        try (MajordomoClient busy = client(Duration.ofSeconds(5), 0);
                MajordomoClient impatient = MajordomoClient.builder(this.broker.connectEndpoint())
                    .timeout(Duration.ofMillis(300)).retries(0).deadline(Duration.ofMillis(300)).build()) {
            CompletableFuture<List<byte[]>> occupying = busy.requestAsync("slow", List.of(bytes("work-busy")));
            await().atMost(Duration.ofSeconds(10)).until(() -> executions("work-busy") == 1);
            assertThatExceptionOfType(PirateException.class).isThrownBy(() -> impatient.request("slow", bytes("work-late")));
            assertThat(occupying.join().get(0)).asString().isEqualTo("work-busy");
            assertThat(busy.request("slow", bytes("quick"))).asString().isEqualTo("quick");
        }
        assertThat(executions("work-late")).as("dropped at the broker, past its deadline").isZero();
        assertThat(this.brokerEvents.count("brokerRequestExpired:slow")).isEqualTo(1);
    }

    @Test
    void aServiceNobodyOffersFailsAfterTheBrokersGraceNotAfterEveryRetry() {
        try (MajordomoClient client = client(Duration.ofSeconds(2), 3)) {
            assertThatExceptionOfType(PirateUnknownServiceException.class)
                .isThrownBy(() -> client.request("nobody", bytes("anyone?")));
        }
        assertThat(this.brokerEvents.count("brokerRequestRefused:unknown-service"))
            .as("told by the broker, not learnt from an MMI probe after the retries").isEqualTo(1);
    }
}
