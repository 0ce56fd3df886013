package dev.pirate.spring.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.pirate.broker.BrokerSnapshot;
import dev.pirate.broker.InvalidReason;
import dev.pirate.protocol.RefusalReason;
import dev.pirate.event.ClientOutcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PirateMetrics}.
 */
@Timeout(30)
class PirateMetricsTests {

    private static final long MILLIS = 1_000_000L;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private final AtomicReference<BrokerSnapshot> snapshot = new AtomicReference<>(BrokerSnapshot.NOT_RUNNING);

    private final Map<String, Integer> registered = new ConcurrentHashMap<>();

    private final PirateMetrics metrics = new PirateMetrics(this.registry, this.snapshot::get,
            (service) -> this.registered.getOrDefault(service, 0), 3);

    @Test
    void clientRequestsAreTimedPerServiceAndOutcome() {
        this.metrics.clientRequestCompleted("echo", ClientOutcome.SUCCESS, 3 * MILLIS);
        this.metrics.clientRequestCompleted("echo", ClientOutcome.SUCCESS, 5 * MILLIS);
        this.metrics.clientRequestCompleted("echo", ClientOutcome.TIMEOUT, 900 * MILLIS);
        this.metrics.clientRequestCompleted("echo", ClientOutcome.UNKNOWN_SERVICE, 7 * MILLIS);
        this.metrics.clientRequestCompleted("echo", ClientOutcome.FAILED, 2 * MILLIS);

        Timer success = timer("pirate.client.requests", "echo", "success");
        assertThat(success.count()).isEqualTo(2);
        assertThat(success.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(8.0);
        assertThat(timer("pirate.client.requests", "echo", "timeout").count()).isOne();
        assertThat(timer("pirate.client.requests", "echo", "unknown_service").count()).isOne();
        assertThat(timer("pirate.client.requests", "echo", "failed").count()).isOne();
    }

    @Test
    void timersPublishAPercentileHistogramInPrometheusNames() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PirateMetrics metrics = new PirateMetrics(prometheus, () -> BrokerSnapshot.NOT_RUNNING, (s) -> 0, 10);
        metrics.clientRequestCompleted("echo", ClientOutcome.SUCCESS, 3 * MILLIS);
        metrics.workerRequestCompleted("echo", true, 2 * MILLIS);
        metrics.clientRetry("echo");
        String scrape = prometheus.scrape();
        assertThat(scrape).contains("pirate_client_requests_seconds_bucket{outcome=\"success\",service=\"echo\",le=")
            .contains("pirate_client_requests_seconds_count{outcome=\"success\",service=\"echo\"} 1")
            .contains("pirate_worker_requests_seconds_bucket{outcome=\"success\",service=\"echo\",le=")
            .contains("pirate_client_retries_total{service=\"echo\"} 1.0");
    }

    @Test
    void clientRetriesAreCountedPerService() {
        this.metrics.clientRetry("slow");
        this.metrics.clientRetry("slow");
        this.metrics.clientRetry("echo");
        assertThat(counter("pirate.client.retries", "slow").count()).isEqualTo(2);
        assertThat(counter("pirate.client.retries", "echo").count()).isOne();
    }

    @Test
    void workerRequestsAreTimedBySuccessOrFailure() {
        this.metrics.workerRequestCompleted("wordcount", true, 4 * MILLIS);
        this.metrics.workerRequestCompleted("wordcount", false, 1 * MILLIS);
        this.metrics.workerRequestCompleted("wordcount", false, 1 * MILLIS);
        assertThat(timer("pirate.worker.requests", "wordcount", "success").count()).isOne();
        assertThat(timer("pirate.worker.requests", "wordcount", "failed").count()).isEqualTo(2);
    }

    @Test
    void workerReconnectsAndMissedHeartbeatsAreCountedAndStartAtZero() {
        this.metrics.workerConnected("echo");
        assertThat(counter("pirate.worker.reconnects", "echo").count()).isZero();
        assertThat(counter("pirate.worker.heartbeats.missed", "echo").count()).isZero();
        this.metrics.workerHeartbeatMissed("echo");
        this.metrics.workerHeartbeatMissed("echo");
        this.metrics.workerHeartbeatMissed("echo");
        this.metrics.workerReconnect("echo");
        assertThat(counter("pirate.worker.reconnects", "echo").count()).isOne();
        assertThat(counter("pirate.worker.heartbeats.missed", "echo").count()).isEqualTo(3);
    }

    @Test
    void workerConnectedGaugeReadsTheRegisteredConnectionsWhenScraped() {
        this.metrics.workerConnected("wordcount");
        Gauge connected = this.registry.get("pirate.worker.connected").tag("service", "wordcount").gauge();
        assertThat(connected.value()).isZero();
        this.registered.put("wordcount", 2);
        assertThat(connected.value()).isEqualTo(2);
        this.registered.put("wordcount", 0);
        assertThat(connected.value()).isZero();
    }

    @Test
    void brokerRequestsAndExpiredWorkersAreCountedPerService() {
        this.metrics.brokerRequest("echo");
        this.metrics.brokerRequest("echo");
        this.metrics.brokerWorkerExpired("echo");
        assertThat(counter("pirate.broker.requests", "echo").count()).isEqualTo(2);
        assertThat(counter("pirate.broker.workers.expired", "echo").count()).isOne();
    }

    @Test
    void requestsTheBrokerDroppedUnansweredAreCountedPerServiceFromItsFirstWorker() {
        this.metrics.brokerWorkerRegistered("echo");
        assertThat(counter("pirate.broker.requests.expired", "echo").count()).isZero();
        this.metrics.brokerRequestExpired("echo");
        this.metrics.brokerRequestExpired("echo");
        assertThat(counter("pirate.broker.requests.expired", "echo").count()).isEqualTo(2);
    }

    @Test
    void brokerGaugesReadThePublishedSnapshot() {
        this.metrics.brokerWorkerRegistered("echo");
        assertThat(gauge("pirate.broker.requests.queued", "echo", null)).isZero();
        this.snapshot.set(running(new BrokerSnapshot.Service("echo", 4, 1, 2, 10)));
        assertThat(gauge("pirate.broker.requests.queued", "echo", null)).isEqualTo(4);
        assertThat(gauge("pirate.broker.workers", "echo", "idle")).isEqualTo(1);
        assertThat(gauge("pirate.broker.workers", "echo", "busy")).isEqualTo(2);
        this.snapshot.set(running());
        assertThat(gauge("pirate.broker.workers", "echo", "idle")).as("service gone").isZero();
    }

    @Test
    void invalidMessagesAreCountedByReasonAndEveryReasonExistsFromTheStart() {
        for (InvalidReason reason : InvalidReason.values()) {
            assertThat(this.registry.get("pirate.broker.messages.invalid").tag("reason", reason.tag()).counter().count())
                .as(reason.tag()).isZero();
        }
        this.metrics.brokerMessageDropped(InvalidReason.BAD_HEADER.tag());
        this.metrics.brokerMessageDropped(InvalidReason.BAD_HEADER.tag());
        this.metrics.brokerMessageDropped(InvalidReason.OVERSIZED.tag());
        assertThat(this.registry.get("pirate.broker.messages.invalid").tag("reason", "bad_header").counter().count())
            .isEqualTo(2);
        assertThat(this.registry.get("pirate.broker.messages.invalid").tag("reason", "oversized").counter().count())
            .isOne();
    }

    @Test
    void refusalsAreCountedByReasonAndEveryReasonExistsFromTheStart() {
        for (RefusalReason reason : RefusalReason.values()) {
            assertThat(this.registry.get("pirate.broker.requests.refused").tag("reason", reason.word()).counter().count())
                .as(reason.word()).isZero();
        }
        this.metrics.brokerRequestRefused(RefusalReason.OVERLOADED.word());
        this.metrics.brokerRequestRefused(RefusalReason.OVERLOADED.word());
        this.metrics.brokerReplyDropped("too-large");
        this.metrics.brokerRetryCoalesced("echo");
        this.metrics.loopFailed("pirate-broker", new OutOfMemoryError("test"));
        assertThat(this.registry.get("pirate.broker.requests.refused").tag("reason", "overloaded").counter().count())
            .isEqualTo(2);
        assertThat(this.registry.get("pirate.broker.replies.dropped").tag("reason", "too-large").counter().count())
            .isOne();
        assertThat(this.registry.get("pirate.loops.failed").tag("component", "pirate-broker").counter().count())
            .isOne();
        assertThat(this.registry.get("pirate.broker.retries.coalesced").tag("service", "echo").counter().count())
            .isOne();
    }

    @Test
    void metersAreCreatedOncePerServiceNotPerEvent() {
        this.metrics.clientRequestCompleted("echo", ClientOutcome.SUCCESS, MILLIS);
        this.metrics.brokerRequest("echo");
        this.metrics.workerRequestCompleted("echo", true, MILLIS);
        int meters = this.registry.getMeters().size();
        for (int i = 0; i < 1000; i++) {
            this.metrics.clientRequestCompleted("echo", ClientOutcome.SUCCESS, MILLIS);
            this.metrics.brokerRequest("echo");
            this.metrics.workerRequestCompleted("echo", true, MILLIS);
        }
        assertThat(this.registry.getMeters()).hasSize(meters);
        assertThat(timer("pirate.client.requests", "echo", "success").count()).isEqualTo(1001);
    }

    @Test
    void servicesBeyondTheLimitShareTheOtherTag() {
        for (String service : List.of("a", "b", "c", "invented-1", "invented-2")) {
            this.metrics.brokerRequest(service);
        }
        this.metrics.brokerRequest("invented-1");
        assertThat(counter("pirate.broker.requests", "a").count()).isOne();
        assertThat(counter("pirate.broker.requests", "c").count()).isOne();
        assertThat(counter("pirate.broker.requests", PirateMetrics.OTHER_SERVICES).count()).isEqualTo(3);
        assertThat(this.registry.find("pirate.broker.requests").tag("service", "invented-1").counter()).isNull();

        this.snapshot.set(running(new BrokerSnapshot.Service("a", 1, 0, 0, 0),
                new BrokerSnapshot.Service("invented-1", 2, 0, 0, 0),
                new BrokerSnapshot.Service("invented-2", 3, 0, 0, 0)));
        assertThat(gauge("pirate.broker.requests.queued", "a", null)).isEqualTo(1);
        assertThat(gauge("pirate.broker.requests.queued", PirateMetrics.OTHER_SERVICES, null)).isEqualTo(5);
    }

    @Test
    void noTagCarriesAnythingButServiceOutcomeStateOrReason() {
        this.metrics.clientRequestCompleted("echo", ClientOutcome.SUCCESS, MILLIS);
        this.metrics.clientRetry("echo");
        this.metrics.workerConnected("echo");
        this.metrics.workerRequestCompleted("echo", false, MILLIS);
        this.metrics.brokerRequest("echo");
        this.metrics.brokerMessageDropped("bad_header");
        assertThat(this.registry.getMeters())
            .flatExtracting((meter) -> meter.getId().getTags())
            .extracting(io.micrometer.core.instrument.Tag::getKey)
            .containsOnly("service", "outcome", "state", "reason");
    }

    @Test
    void maxServicesMustBePositive() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new PirateMetrics(this.registry, () -> BrokerSnapshot.NOT_RUNNING, (s) -> 0, 0))
            .withMessageContaining("maxServices");
    }

    private Timer timer(String name, String service, String outcome) {
        return this.registry.get(name).tag("service", service).tag("outcome", outcome).timer();
    }

    private Counter counter(String name, String service) {
        return this.registry.get(name).tag("service", service).counter();
    }

    private double gauge(String name, String service, String state) {
        var search = this.registry.get(name).tag("service", service);
        return ((state != null) ? search.tag("state", state) : search).gauge().value();
    }

    private static BrokerSnapshot running(BrokerSnapshot.Service... services) {
        return new BrokerSnapshot(true, List.of("tcp://127.0.0.1:5555"), List.of(services), 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
