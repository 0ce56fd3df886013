package dev.pirate.spring.metrics;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pirate.broker.BrokerSnapshot;
import dev.pirate.broker.InvalidReason;
import dev.pirate.protocol.RefusalReason;
import dev.pirate.event.ClientOutcome;
import dev.pirate.event.PirateListener;

/**
 * Records Pirate's events as Micrometer meters. Register it as the listener of a broker, workers and
 * clients; the meters are:
 * <table>
 * <caption>Meters</caption>
 * <tr><th>Name</th><th>Type</th><th>Tags</th></tr>
 * <tr><td>{@code pirate.client.requests}</td><td>timer</td><td>{@code service}, {@code outcome}
 * ({@code success|timeout|unknown_service|failed|refused})</td></tr>
 * <tr><td>{@code pirate.client.retries}</td><td>counter</td><td>{@code service}</td></tr>
 * <tr><td>{@code pirate.worker.requests}</td><td>timer</td><td>{@code service}, {@code outcome}
 * ({@code success|failed})</td></tr>
 * <tr><td>{@code pirate.worker.reconnects}</td><td>counter</td><td>{@code service}</td></tr>
 * <tr><td>{@code pirate.worker.heartbeats.missed}</td><td>counter</td><td>{@code service}</td></tr>
 * <tr><td>{@code pirate.worker.requests.expired}</td><td>counter</td><td>{@code service}</td></tr>
 * <tr><td>{@code pirate.worker.connected}</td><td>gauge</td><td>{@code service}</td></tr>
 * <tr><td>{@code pirate.broker.requests}</td><td>counter</td><td>{@code service}</td></tr>
 * <tr><td>{@code pirate.broker.requests.queued}</td><td>gauge</td><td>{@code service}</td></tr>
 * <tr><td>{@code pirate.broker.workers}</td><td>gauge</td><td>{@code service}, {@code state}
 * ({@code idle|busy})</td></tr>
 * <tr><td>{@code pirate.broker.workers.expired}</td><td>counter</td><td>{@code service}</td></tr>
 * <tr><td>{@code pirate.broker.requests.expired}</td><td>counter</td><td>{@code service}</td></tr>
 * <tr><td>{@code pirate.broker.messages.invalid}</td><td>counter</td><td>{@code reason} (the tags of
 * {@code InvalidReason}, each registered at 0 from the start)</td></tr>
 * <tr><td>{@code pirate.broker.requests.refused}</td><td>counter</td><td>{@code reason} (the words of
 * {@code RefusalReason}, each registered at 0 from the start)</td></tr>
 * <tr><td>{@code pirate.broker.retries.coalesced}</td><td>counter</td><td>{@code service}</td></tr>
 * <tr><td>{@code pirate.broker.replies.dropped}</td><td>counter</td><td>{@code reason}</td></tr>
 * <tr><td>{@code pirate.loops.failed}</td><td>counter</td><td>{@code component}</td></tr>
 * </table>
 * Timers publish a percentile histogram unless a meter filter says otherwise (in Spring Boot,
 * {@code management.metrics.distribution.percentiles-histogram.pirate=false}).
 * <p>
 * Meters are created once per service and kept, so an event costs a map look-up and an update.
 * Gauges read the broker's published {@link BrokerSnapshot} and the workers' own counts when the
 * registry is scraped, never on Pirate's threads. The broker learns service names from whoever sends
 * it a request, so at most {@code maxServices} names become tag values; events of further services
 * are recorded under {@value #OTHER_SERVICES}.
 */
public class PirateMetrics implements PirateListener {

    /** Tag value that stands for every service beyond the limit. */
    public static final String OTHER_SERVICES = "_other";

    private static final Logger logger = LoggerFactory.getLogger(PirateMetrics.class);

    private static final ClientOutcome[] CLIENT_OUTCOMES = ClientOutcome.values();

    private final MeterRegistry registry;

    private final Supplier<BrokerSnapshot> brokerSnapshot;

    private final ToIntFunction<String> registeredConnections;

    private final int maxServices;

    private final Set<String> services = ConcurrentHashMap.newKeySet();

    private final AtomicBoolean limitReported = new AtomicBoolean();

    private final ConcurrentMap<String, ClientMeters> clientMeters = new ConcurrentHashMap<>();

    private final ConcurrentMap<String, WorkerMeters> workerMeters = new ConcurrentHashMap<>();

    private final ConcurrentMap<String, BrokerMeters> brokerMeters = new ConcurrentHashMap<>();

    private final ConcurrentMap<String, Counter> invalidMessages = new ConcurrentHashMap<>();

    private final ConcurrentMap<String, Counter> refusedRequests = new ConcurrentHashMap<>();

    private final ConcurrentMap<String, Counter> droppedReplies = new ConcurrentHashMap<>();

    private final ConcurrentMap<String, Counter> failedLoops = new ConcurrentHashMap<>();

    /**
     * Creates the metrics.
     * @param registry the registry that receives the meters
     * @param brokerSnapshot the latest snapshot of the application's broker, or
     * {@link BrokerSnapshot#NOT_RUNNING} when it has none
     * @param registeredConnections the number of connections of a service's local workers registered
     * with a broker
     * @param maxServices how many service names may become tag values, at least 1
     */
    public PirateMetrics(MeterRegistry registry, Supplier<BrokerSnapshot> brokerSnapshot,
            ToIntFunction<String> registeredConnections, int maxServices) {
        if (maxServices < 1) {
            throw new IllegalArgumentException("maxServices must be at least 1, was " + maxServices);
        }
        this.registry = Objects.requireNonNull(registry, "registry");
        this.brokerSnapshot = Objects.requireNonNull(brokerSnapshot, "brokerSnapshot");
        this.registeredConnections = Objects.requireNonNull(registeredConnections, "registeredConnections");
        this.maxServices = maxServices;
        // Series with a known, bounded set of tag values exist from the start, so that rate() and
        // absent() queries see a 0 before the first event instead of no series at all.
        for (RefusalReason reason : RefusalReason.values()) {
            brokerRequestRefusedCounter(reason.word());
        }
        for (InvalidReason reason : InvalidReason.values()) {
            brokerMessageDroppedCounter(reason.tag());
        }
    }

    // --- client ---

    @Override
    public void clientRequestCompleted(String service, ClientOutcome outcome, long nanos) {
        client(service).requests(outcome).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void clientRetry(String service) {
        client(service).retries.increment();
    }

    // --- worker ---

    @Override
    public void workerRequestCompleted(String service, boolean success, long nanos) {
        WorkerMeters meters = worker(service);
        (success ? meters.succeeded : meters.failed).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void workerConnected(String service) {
        worker(service);
    }

    @Override
    public void workerReconnect(String service) {
        worker(service).reconnects.increment();
    }

    @Override
    public void workerHeartbeatMissed(String service) {
        worker(service).heartbeatsMissed.increment();
    }

    @Override
    public void workerRequestExpired(String service) {
        worker(service).expired.increment();
    }

    // --- broker ---

    @Override
    public void brokerRequest(String service) {
        broker(service).requests.increment();
    }

    @Override
    public void brokerWorkerRegistered(String service) {
        broker(service);
    }

    @Override
    public void brokerWorkerExpired(String service) {
        broker(service).workersExpired.increment();
    }

    @Override
    public void brokerRequestExpired(String service) {
        broker(service).requestsExpired.increment();
    }

    @Override
    public void brokerMessageDropped(String reason) {
        brokerMessageDroppedCounter(reason).increment();
    }

    private Counter brokerMessageDroppedCounter(String reason) {
        return counter(this.invalidMessages, "pirate.broker.messages.invalid", "Messages the broker dropped as invalid",
                "reason", reason);
    }

    @Override
    public void brokerRequestRefused(String reason) {
        brokerRequestRefusedCounter(reason).increment();
    }

    private Counter brokerRequestRefusedCounter(String reason) {
        return counter(this.refusedRequests, "pirate.broker.requests.refused",
                "Requests the broker refused or gave up on, by reason", "reason", reason);
    }

    @Override
    public void brokerRetryCoalesced(String service) {
        broker(service).retriesCoalesced.increment();
    }

    @Override
    public void brokerReplyDropped(String reason) {
        counter(this.droppedReplies, "pirate.broker.replies.dropped",
                "Replies the broker could not deliver and gave up on, by reason", "reason", reason).increment();
    }

    // --- any component ---

    @Override
    public void loopFailed(String component, Throwable cause) {
        counter(this.failedLoops, "pirate.loops.failed", "Pirate loops that died and stopped their component",
                "component", component).increment();
    }

    /** Reasons and components are small fixed sets of words, so these maps stay small. */
    private Counter counter(ConcurrentMap<String, Counter> counters, String name, String description, String tag,
            String value) {
        Counter counter = counters.get(value);
        if (counter == null) {
            counter = counters.computeIfAbsent(value,
                    (v) -> Counter.builder(name).description(description).tag(tag, v).register(this.registry));
        }
        return counter;
    }

    // --- meters per service ---

    private ClientMeters client(String service) {
        ClientMeters meters = this.clientMeters.get(service);
        return (meters != null) ? meters : this.clientMeters.computeIfAbsent(tag(service), ClientMeters::new);
    }

    private WorkerMeters worker(String service) {
        WorkerMeters meters = this.workerMeters.get(service);
        return (meters != null) ? meters : this.workerMeters.computeIfAbsent(tag(service), WorkerMeters::new);
    }

    private BrokerMeters broker(String service) {
        BrokerMeters meters = this.brokerMeters.get(service);
        return (meters != null) ? meters : this.brokerMeters.computeIfAbsent(tag(service), BrokerMeters::new);
    }

    /**
     * Admits a service name as a tag value while there is room. Runs once per service and role, or on
     * every event of a service beyond the limit; never on the fast path of an admitted service.
     */
    private String tag(String service) {
        if (this.services.contains(service)) {
            return service;
        }
        if (this.services.size() >= this.maxServices) {
            return overLimit();
        }
        synchronized (this.services) {
            if (this.services.size() < this.maxServices) {
                this.services.add(service);
                return service;
            }
        }
        return overLimit();
    }

    private String overLimit() {
        if (this.limitReported.compareAndSet(false, true)) {
            logger.warn("More than {} Pirate services seen; further services are tagged service=\"{}\" "
                    + "(raise pirate.metrics.max-services if they are legitimate)", this.maxServices, OTHER_SERVICES);
        }
        return OTHER_SERVICES;
    }

    private boolean isTagged(String service) {
        return this.services.contains(service);
    }

    private Timer timer(String name, String description, String service, String outcome) {
        return Timer.builder(name)
            .description(description)
            .tag("service", service)
            .tag("outcome", outcome)
            .publishPercentileHistogram()
            .register(this.registry);
    }

    private Counter counter(String name, String description, String service) {
        return Counter.builder(name).description(description).tag("service", service).register(this.registry);
    }

    private final class ClientMeters {

        private final String service;

        private final AtomicReferenceArray<Timer> requests = new AtomicReferenceArray<>(CLIENT_OUTCOMES.length);

        private final Counter retries;

        ClientMeters(String service) {
            this.service = service;
            this.retries = counter("pirate.client.retries", "Client attempts that timed out and were sent again",
                    service);
        }

        Timer requests(ClientOutcome outcome) {
            Timer timer = this.requests.get(outcome.ordinal());
            if (timer == null) {
                // Registering the same id twice returns the same timer, so a race here is harmless.
                timer = timer("pirate.client.requests", "Client requests, from the first send to the outcome",
                        this.service, outcome.tag());
                this.requests.set(outcome.ordinal(), timer);
            }
            return timer;
        }
    }

    private final class WorkerMeters {

        private final Timer succeeded;

        private final Timer failed;

        private final Counter reconnects;

        private final Counter heartbeatsMissed;

        private final Counter expired;

        WorkerMeters(String service) {
            String description = "Requests handled by local workers";
            this.succeeded = timer("pirate.worker.requests", description, service, "success");
            this.failed = timer("pirate.worker.requests", description, service, "failed");
            this.reconnects = counter("pirate.worker.reconnects",
                    "New conversations of worker connections with a broker after a lost one", service);
            this.heartbeatsMissed = counter("pirate.worker.heartbeats.missed",
                    "Heartbeat intervals in which a worker connection heard nothing from its broker", service);
            this.expired = counter("pirate.worker.requests.expired",
                    "Requests a worker skipped because their caller's deadline had passed", service);
            if (!OTHER_SERVICES.equals(service)) {
                Gauge.builder("pirate.worker.connected", () -> PirateMetrics.this.registeredConnections.applyAsInt(service))
                    .description("Worker connections currently registered with a broker")
                    .tag("service", service)
                    .strongReference(true)
                    .register(PirateMetrics.this.registry);
            }
        }
    }

    private final class BrokerMeters {

        private final Counter requests;

        private final Counter workersExpired;

        private final Counter retriesCoalesced;

        private final Counter requestsExpired;

        BrokerMeters(String service) {
            this.requests = counter("pirate.broker.requests", "Client requests the broker accepted", service);
            this.workersExpired = counter("pirate.broker.workers.expired",
                    "Workers the broker forgot after they stayed silent beyond its liveness", service);
            this.retriesCoalesced = counter("pirate.broker.retries.coalesced",
                    "Retries of a call the broker still held, joined to it instead of run again", service);
            this.requestsExpired = counter("pirate.broker.requests.expired",
                    "Requests the broker dropped unanswered by a worker: they waited past the broker's request "
                            + "expiry or their caller's deadline", service);
            Predicate<String> counted = OTHER_SERVICES.equals(service) ? (name) -> !isTagged(name) : service::equals;
            gauge("pirate.broker.requests.queued", "Requests waiting for a worker", service, null, counted,
                    BrokerSnapshot.Service::queued);
            gauge("pirate.broker.workers", "Workers registered with the broker", service, "idle", counted,
                    BrokerSnapshot.Service::idleWorkers);
            gauge("pirate.broker.workers", "Workers registered with the broker", service, "busy", counted,
                    BrokerSnapshot.Service::busyWorkers);
        }

        private void gauge(String name, String description, String service, @Nullable String state, Predicate<String> counted,
                ToIntFunction<BrokerSnapshot.Service> value) {
            Gauge.Builder<?> builder = Gauge.builder(name, () -> sum(counted, value))
                .description(description)
                .tag("service", service)
                .strongReference(true);
            if (state != null) {
                builder.tag("state", state);
            }
            builder.register(PirateMetrics.this.registry);
        }

        private int sum(Predicate<String> counted, ToIntFunction<BrokerSnapshot.Service> value) {
            int total = 0;
            for (BrokerSnapshot.Service service : PirateMetrics.this.brokerSnapshot.get().services()) {
                if (counted.test(service.name())) {
                    total += value.applyAsInt(service);
                }
            }
            return total;
        }
    }
}
