package dev.pirate.spring.autoconfigure;

import static dev.pirate.testing.RawPeer.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.pirate.client.Backoff;
import dev.pirate.client.CallOptions;
import dev.pirate.spring.PirateClient;
import dev.pirate.testing.ForeignBroker;
import dev.pirate.testing.RawPeer;

/**
 * Issue 11 in Spring Boot: the {@code pirate.client} deadline and retry back-off properties reach
 * the clients, and asynchronous replies complete on Boot's application task executor.
 */
@Timeout(60)
class PirateClientRetryAutoConfigurationTests {

    private static final byte[] EMPTY = new byte[0];

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PirateAutoConfiguration.class));

    @Test
    void deadlineAndBackoffPropertiesBecomeTheClientsDefaults() {
        this.contextRunner
            .withPropertyValues("pirate.client.endpoint=tcp://127.0.0.1:5999", "pirate.client.deadline=700ms",
                    "pirate.client.retry.initial-backoff=50ms", "pirate.client.retry.max-backoff=400ms",
                    "pirate.client.retry.multiplier=3", "pirate.client.direct.billing.endpoint=tcp://127.0.0.1:5998",
                    "pirate.client.direct.billing.timeout=300ms")
            .run((context) -> {
                PirateClient client = context.getBean(PirateClient.class);
                Backoff expected = Backoff.exponential(Duration.ofMillis(50), 3, Duration.ofMillis(400));
                assertThat(client.defaults().deadline()).isEqualTo(Duration.ofMillis(700));
                assertThat(client.defaults().backoff()).isEqualTo(expected);
                CallOptions direct = client.direct("billing").defaults();
                assertThat(direct.timeout()).isEqualTo(Duration.ofMillis(300));
                assertThat(direct.deadline()).isEqualTo(Duration.ofMillis(700));
                assertThat(direct.backoff()).isEqualTo(expected);
            });
    }

    @Test
    void withoutPropertiesTheClientHasTheDefaultBackoffAndNoDeadline() {
        this.contextRunner.withPropertyValues("pirate.client.endpoint=tcp://127.0.0.1:5999").run((context) -> {
            CallOptions defaults = context.getBean(PirateClient.class).defaults();
            assertThat(defaults.deadline()).isNull();
            assertThat(defaults.backoff()).isEqualTo(Backoff.DEFAULT);
        });
    }

    @Test
    void asyncRepliesCompleteOnTheApplicationTaskExecutor() {
        try (RawPeer broker = RawPeer.bind(SocketType.ROUTER)) {
            this.contextRunner.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
                .withPropertyValues("pirate.client.endpoint=" + broker.endpoint(),
                        "spring.task.execution.thread-name-prefix=app-task-")
                .run((context) -> assertThat(replyThread(context.getBean(PirateClient.class), broker))
                    .startsWith("app-task-"));
        }
    }

    @Test
    void withoutATaskExecutorAsyncRepliesCompleteOnTheClientsCallbackThreads() {
        try (RawPeer broker = RawPeer.bind(SocketType.ROUTER)) {
            this.contextRunner.withPropertyValues("pirate.client.endpoint=" + broker.endpoint())
                .run((context) -> assertThat(replyThread(context.getBean(PirateClient.class), broker))
                    .startsWith("pirate-client-callback-"));
        }
    }

    /** The thread a continuation attached before the reply existed runs on. */
    private static String replyThread(PirateClient client, RawPeer broker) throws Exception {
        CompletableFuture<String> thread = client.requestAsync("echo", "hi")
            .thenApply((reply) -> Thread.currentThread().getName());
        List<byte[]> request = ForeignBroker.nextRequest(broker);
        broker.send(request.get(0), EMPTY, bytes("MDPC01"), bytes("echo"), bytes("hi"));
        return thread.get(10, TimeUnit.SECONDS);
    }
}
