package dev.pirate.spring.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.pirate.broker.BrokerSnapshot;
import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoClient;
import dev.pirate.event.ClientOutcome;
import dev.pirate.event.PirateListener;
import dev.pirate.worker.MajordomoWorker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link PirateMetrics} costs: {@code echo} calls through a broker, a worker and a client on
 * loopback, once with {@link PirateListener#NONE} and once with {@link PirateMetrics} on a
 * {@link PrometheusMeterRegistry} (percentile histograms on), in the same JVM, in alternating rounds so
 * that warm-up and machine noise fall on both alike; then the cost of one listener call alone.
 * <p>
 * Not part of the normal build; run with
 * {@code ./mvnw -pl pirate-spring-boot-autoconfigure test -Dtest=MetricsOverheadBenchmark -Dpirate.benchmark=true}.
 */
@EnabledIfSystemProperty(named = "pirate.benchmark", matches = "true")
@Timeout(600)
class MetricsOverheadBenchmark {

    private static final byte[] BODY = "ahoy, a 24-byte request".getBytes(StandardCharsets.UTF_8);

    private static final int ROUNDS = 5;

    private static final int SEQUENTIAL_CALLS = 5_000;

    private static final int THREADS = 4;

    private static final int CALLS_PER_THREAD = 5_000;

    @Test
    void echoCallsWithAndWithoutMetrics() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicReference<MajordomoBroker> meteredBroker = new AtomicReference<>();
        PirateMetrics metrics = new PirateMetrics(registry, () -> meteredBroker.get().snapshot(), (s) -> 0, 100);
        try (Setup none = new Setup(PirateListener.NONE, "none"); Setup metered = new Setup(metrics, "metered")) {
            meteredBroker.set(metered.broker);
            sequential(none, SEQUENTIAL_CALLS);
            sequential(metered, SEQUENTIAL_CALLS);
            long[] noneNanos = new long[0];
            long[] meteredNanos = new long[0];
            double noneRate = 0;
            double meteredRate = 0;
            for (int round = 0; round < ROUNDS; round++) {
                noneNanos = concat(noneNanos, sequential(none, SEQUENTIAL_CALLS));
                meteredNanos = concat(meteredNanos, sequential(metered, SEQUENTIAL_CALLS));
                noneRate += concurrent(none);
                meteredRate += concurrent(metered);
            }
            report("sequential, PirateListener.NONE", noneNanos);
            report("sequential, PirateMetrics", meteredNanos);
            System.out.printf(Locale.ROOT, "BENCHMARK %d threads: NONE %.0f calls/s, PirateMetrics %.0f calls/s (%+.1f%%)%n",
                    THREADS, noneRate / ROUNDS, meteredRate / ROUNDS, 100.0 * (meteredRate - noneRate) / noneRate);
            assertThat(registry.scrape()).contains("pirate_client_requests_seconds_bucket");
        }
        listenerCallAlone(registry);
    }

    private static void listenerCallAlone(PrometheusMeterRegistry registry) {
        PirateMetrics metrics = new PirateMetrics(registry, () -> BrokerSnapshot.NOT_RUNNING, (s) -> 0, 100);
        int calls = 5_000_000;
        for (int warm = 0; warm < 3; warm++) {
            for (int i = 0; i < calls; i++) {
                metrics.clientRequestCompleted("echo", ClientOutcome.SUCCESS, 40_000 + (i & 1023));
            }
        }
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            metrics.clientRequestCompleted("echo", ClientOutcome.SUCCESS, 40_000 + (i & 1023));
        }
        double timerNanos = (System.nanoTime() - start) / (double) calls;
        start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            metrics.brokerRequest("echo");
        }
        double counterNanos = (System.nanoTime() - start) / (double) calls;
        System.out.printf(Locale.ROOT, "BENCHMARK one listener call: timer with histogram %.0f ns, counter %.0f ns%n",
                timerNanos, counterNanos);
    }

    private static long[] sequential(Setup setup, int calls) {
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            byte[] reply = setup.client.request("echo", BODY);
            nanos[i] = System.nanoTime() - start;
            assertThat(reply).hasSize(BODY.length);
        }
        return nanos;
    }

    /** Returns calls per second of {@value #THREADS} threads calling at once. */
    private static double concurrent(Setup setup) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(() -> sequential(setup, CALLS_PER_THREAD)));
            }
            for (Future<?> future : done) {
                future.get();
            }
            return THREADS * CALLS_PER_THREAD / ((System.nanoTime() - start) / 1e9);
        }
        finally {
            pool.shutdown();
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void report(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / 1000.0;
        System.out.printf(Locale.ROOT,
                "BENCHMARK %-34s mean %6.1f us  p50 %6.1f us  p99 %6.1f us  (%d calls, %.0f calls/s)%n", name, mean,
                sorted[sorted.length / 2] / 1000.0, sorted[(int) (sorted.length * 0.99)] / 1000.0, sorted.length,
                1e6 / mean);
    }

    /** A broker, a worker with {@value #THREADS} connections and a client, all with one listener. */
    private static final class Setup implements AutoCloseable {

        private final MajordomoBroker broker;

        private final MajordomoWorker worker;

        private final MajordomoClient client;

        Setup(PirateListener listener, String name) {
            this.broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").listener(listener)
                .threadName("pirate-broker-" + name).build();
            this.broker.start();
            this.worker = MajordomoWorker.builder(this.broker.connectEndpoint(), "echo", (body) -> body)
                .concurrency(THREADS).listener(listener).threadNamePrefix("pirate-worker-" + name).build();
            this.worker.start();
            this.client = MajordomoClient.builder(this.broker.connectEndpoint()).timeout(Duration.ofSeconds(5))
                .listener(listener).build();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (this.broker.snapshot().workers() < THREADS) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("Workers did not register within 10 s");
                }
                Thread.onSpinWait();
            }
        }

        @Override
        public void close() {
            this.client.close();
            this.worker.stop(Duration.ofSeconds(5));
            this.broker.close();
        }
    }
}
