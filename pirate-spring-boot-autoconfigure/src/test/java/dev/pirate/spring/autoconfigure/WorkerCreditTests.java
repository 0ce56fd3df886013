package dev.pirate.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.broker.MajordomoBrokerLifecycle;
import dev.pirate.spring.worker.MajordomoWorkerContainer;
import dev.pirate.worker.MajordomoWorker;

/**
 * Tests for {@code @MajordomoService(prefetch = …)}: one connection with worker credit, its handler
 * threads, and the start-up errors of a bad prefetch or broker credit limit.
 */
@Timeout(60)
class WorkerCreditTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PirateAutoConfiguration.class))
        .withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*",
                "pirate.worker.shutdown-grace-period=2s");

    @Test
    void aServiceWithPrefetchIsOneConnectionRunningRequestsOnItsHandlerThreads() {
        this.contextRunner.withBean(Pooled.class).run((context) -> {
            MajordomoWorker worker = context.getBean(MajordomoWorkerContainer.class).getWorkers().get(0);
            assertThat(worker.connections()).isOne();
            assertThat(worker.prefetch()).isEqualTo(8);
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.registeredCount() == 1
                    || context.getBean(MajordomoBrokerLifecycle.class).getBroker().snapshot().workers() == 1);
            PirateClient client = context.getBean(PirateClient.class);
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(client.requestAsync("pooled", "n" + i));
            }
            for (int i = 0; i < 40; i++) {
                assertThat(calls.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("n" + i + "!");
            }
            Pooled pooled = context.getBean(Pooled.class);
            assertThat(pooled.mostAtOnce.get()).isEqualTo(Pooled.THREADS);
            assertThat(pooled.calls.get()).isEqualTo(40);
            assertThat(context.getBean(MajordomoBrokerLifecycle.class).getBroker().snapshot().workers()).isOne();
        });
    }

    @Test
    void aPrefetchOutOfRangeFailsStartupNamingIt() {
        this.contextRunner.withBean("badService", ZeroPrefetch.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
                .hasMessageContaining("@MajordomoService bean 'badService'")
                .hasMessageContaining("prefetch 0");
        });
    }

    @Test
    void aBrokerCreditLimitOutOfRangeFailsStartupNamingTheProperty() {
        this.contextRunner.withPropertyValues("pirate.broker.max-worker-credit=0").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("pirate.broker.max-worker-credit");
        });
    }

    @MajordomoService(value = "pooled", concurrency = Pooled.THREADS, prefetch = 8)
    static class Pooled {

        static final int THREADS = 3;

        final AtomicInteger running = new AtomicInteger();

        final AtomicInteger mostAtOnce = new AtomicInteger();

        final AtomicInteger calls = new AtomicInteger();

        private final CountDownLatch firstThree = new CountDownLatch(THREADS);

        @MajordomoHandler
        String handle(String text) throws InterruptedException {
            this.mostAtOnce.accumulateAndGet(this.running.incrementAndGet(), Math::max);
            this.calls.incrementAndGet();
            // The first three wait for each other: only handler threads running at once get past.
            this.firstThree.countDown();
            this.firstThree.await(10, TimeUnit.SECONDS);
            this.running.decrementAndGet();
            return text + "!";
        }
    }

    @MajordomoService(value = "zero", prefetch = 0)
    static class ZeroPrefetch {

        @MajordomoHandler
        String handle(String text) {
            return text;
        }
    }
}
