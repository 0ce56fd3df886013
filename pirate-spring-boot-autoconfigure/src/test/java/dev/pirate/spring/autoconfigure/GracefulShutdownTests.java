package dev.pirate.spring.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.CallOptions;
import dev.pirate.client.MajordomoClient;
import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for the graceful shutdown of Pirate's workers and embedded broker when the application
 * context closes.
 */
@Timeout(60)
class GracefulShutdownTests {

    private static final Duration WORK = Duration.ofMillis(800);

    /**
     * Far longer than the work and than the limits below, so that a shutdown that waits out the
     * grace period instead of ending when the work is done fails them by minutes, not milliseconds.
     */
    private static final Duration GRACE_PERIOD = Duration.ofMinutes(5);

    /** Generous limit for a close that should take about {@link #WORK} (or nothing, when idle). */
    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(30);

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PirateAutoConfiguration.class))
        .withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*",
                "pirate.worker.shutdown-grace-period=" + GRACE_PERIOD.toMillis() + "ms")
        .withUserConfiguration(SlowServiceConfiguration.class);

    @Test
    void requestsInFlightWhenTheContextClosesAllGetTheirRepliesAndNothingIsLeftRunning() throws Exception {
        List<CompletableFuture<List<byte[]>>> replies = new ArrayList<>();
        MajordomoClient[] caller = new MajordomoClient[1];
        this.contextRunner.run((context) -> {
            SlowService service = context.getBean(SlowService.class);
            String endpoint = context.getBean(MajordomoBroker.class).connectEndpoint();
            // A caller outside the application, so closing the context does not close it.
            caller[0] = MajordomoClient.builder(endpoint).threadName("test-caller-io").build();
            CallOptions once = new CallOptions(Duration.ofSeconds(20), 0);
            for (int i = 0; i < SlowService.CONCURRENCY; i++) {
                replies.add(caller[0].requestAsync("slow", List.of(utf8("request " + i)), once));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> service.started.get() == SlowService.CONCURRENCY);
            // Closes when the requests in hand are done, not after the 5-minute grace period.
            assertTimeoutPreemptively(CLOSE_LIMIT, context::close);
        });
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> replies.stream().allMatch(CompletableFuture::isDone));
            for (int i = 0; i < replies.size(); i++) {
                assertThat(new String(replies.get(i).join().get(0), StandardCharsets.UTF_8))
                    .isEqualTo("done request " + i);
            }
        }
        finally {
            caller[0].close();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(liveThreadNames())
            .noneMatch((name) -> name.startsWith("pirate-") || name.startsWith("reaper-")
                    || name.startsWith("iothread-")));
    }

    @Test
    void idleWorkersAndBrokerStopPromptly() {
        // Idle workers have nothing in hand: they must not wait out the 5-minute grace period.
        this.contextRunner.run((context) -> assertTimeoutPreemptively(CLOSE_LIMIT, context::close));
    }

    private static List<String> liveThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Configuration(proxyBeanMethods = false)
    static class SlowServiceConfiguration {

        @Bean
        SlowService slowService() {
            return new SlowService();
        }
    }

    @MajordomoService(value = "slow", concurrency = SlowService.CONCURRENCY)
    static class SlowService {

        static final int CONCURRENCY = 4;

        final AtomicInteger started = new AtomicInteger();

        @MajordomoHandler
        String handle(String request) throws InterruptedException {
            this.started.incrementAndGet();
            // Simulated work that outlasts the moment the context starts closing.
            Thread.sleep(WORK.toMillis());
            return "done " + request;
        }
    }
}
