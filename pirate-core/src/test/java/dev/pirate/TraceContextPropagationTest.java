package dev.pirate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.CallOptions;
import dev.pirate.client.MajordomoClient;
import dev.pirate.worker.ContextualRequestHandler;
import dev.pirate.worker.MajordomoWorker;

/**
 * A caller's trace context reaches the handler's {@code RequestContext} through client, broker and
 * worker speaking PX/1, and only where the caller set one.
 */
@Timeout(60)
class TraceContextPropagationTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final AtomicReference<Optional<String>> seen = new AtomicReference<>();

    private MajordomoBroker broker;

    private MajordomoWorker worker;

    private MajordomoClient client;

    @BeforeEach
    void start() {
        this.broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").build();
        this.broker.start();
        ContextualRequestHandler handler = (body, context) -> {
            this.seen.set(context.traceContext());
            return body;
        };
        this.worker = MajordomoWorker.builder(this.broker.connectEndpoint(), "traced", handler).build();
        this.worker.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> this.worker.registeredCount() == 1);
        this.client = MajordomoClient.builder(this.broker.connectEndpoint()).timeout(Duration.ofSeconds(5)).retries(2)
            .build();
    }

    @AfterEach
    void stop() {
        this.client.close();
        this.worker.close();
        this.broker.close();
    }

    @Test
    void theCallersTraceContextReachesTheHandler() {
        CallOptions options = this.client.defaults().withTraceContext(TRACEPARENT);
        this.client.request("traced", List.of("a".getBytes(StandardCharsets.US_ASCII)), options);
        assertThat(this.seen.get()).contains(TRACEPARENT);

        this.client.request("traced", List.of("b".getBytes(StandardCharsets.US_ASCII)), this.client.defaults());
        assertThat(this.seen.get()).as("a call without one").isEmpty();
    }
}
