package dev.pirate.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.worker.MajordomoWorker;
import dev.pirate.worker.RequestHandler;

import static org.awaitility.Awaitility.await;

/**
 * An in-process broker on a free loopback port, with in-process workers, for the commands to talk to.
 * <p>
 * Heartbeats are fast so that a worker whose connection never completes its handshake (a JeroMQ
 * 0.6.0 race on fresh connections) notices the silent broker and reconnects within a second.
 */
final class LocalBroker implements AutoCloseable {

    private static final Duration HEARTBEAT = Duration.ofMillis(250);

    private final MajordomoBroker broker;

    private final List<MajordomoWorker> workers = new ArrayList<>();

    private LocalBroker() {
        this.broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").heartbeatInterval(HEARTBEAT).build();
        this.broker.start();
    }

    static LocalBroker start() {
        return new LocalBroker();
    }

    /** Starts a worker for the service and returns once the broker has registered it. */
    LocalBroker withWorker(String service, RequestHandler handler) {
        MajordomoWorker worker = MajordomoWorker.builder(endpoint(), service, handler)
            .heartbeatInterval(HEARTBEAT)
            .reconnectDelay(Duration.ofMillis(100), Duration.ofSeconds(1))
            .build();
        this.workers.add(worker);
        worker.start();
        int expected = this.workers.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.snapshot().workers() == expected);
        return this;
    }

    String endpoint() {
        return this.broker.connectEndpoint();
    }

    /** Worker connections the broker has registered, its own workers' and others'. */
    int registeredWorkers() {
        return this.broker.snapshot().workers();
    }

    @Override
    public void close() {
        this.workers.forEach((worker) -> worker.stop(Duration.ofSeconds(1)));
        this.broker.close();
    }
}
