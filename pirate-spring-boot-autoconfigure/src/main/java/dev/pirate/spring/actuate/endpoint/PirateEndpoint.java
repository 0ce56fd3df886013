package dev.pirate.spring.actuate.endpoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.pirate.broker.BrokerSnapshot;
import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.CallOptions;
import dev.pirate.client.MajordomoClient;
import dev.pirate.spring.DirectEndpoint;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.worker.MajordomoWorkerContainer;
import dev.pirate.worker.MajordomoWorker;

/**
 * {@link Endpoint @Endpoint} that shows the application's embedded broker, its local workers and its
 * client. The broker is read from its published snapshot (at most about 100 ms old), never from the
 * broker thread's own state; nothing here opens a connection.
 */
@Endpoint(id = "pirate")
public class PirateEndpoint {

    private final @Nullable MajordomoBroker broker;

    private final @Nullable MajordomoWorkerContainer workers;

    private final @Nullable PirateClient client;

    /**
     * Creates the endpoint.
     * @param broker the embedded broker, if the application runs one
     * @param workers the container of the local workers, if any
     * @param client the client, if any
     */
    public PirateEndpoint(@Nullable MajordomoBroker broker, @Nullable MajordomoWorkerContainer workers,
            @Nullable PirateClient client) {
        this.broker = broker;
        this.workers = workers;
        this.client = client;
    }

    /**
     * Describes the broker, the workers and the client.
     * @return the description
     */
    @ReadOperation
    public PirateDescriptor pirate() {
        return new PirateDescriptor((this.broker != null) ? broker(this.broker.snapshot()) : null, workers(),
                (this.client != null) ? client(this.client) : null);
    }

    private static BrokerDescriptor broker(BrokerSnapshot snapshot) {
        List<ServiceDescriptor> services = new ArrayList<>();
        for (BrokerSnapshot.Service service : snapshot.services()) {
            services.add(new ServiceDescriptor(service.name(), service.queued(), service.idleWorkers(),
                    service.busyWorkers(), service.served()));
        }
        return new BrokerDescriptor(snapshot.running(), snapshot.endpoints(), services, snapshot.workersExpired(),
                snapshot.requestsExpired(), snapshot.invalidMessages());
    }

    private List<WorkerDescriptor> workers() {
        if (this.workers == null) {
            return List.of();
        }
        List<WorkerDescriptor> descriptors = new ArrayList<>();
        for (MajordomoWorker worker : this.workers.getWorkers()) {
            long lastHeard = worker.lastHeardMillis();
            // One entry per configured broker: bounded by the configuration, not by the network.
            List<WorkerBrokerDescriptor> brokers = new ArrayList<>();
            for (String broker : worker.endpoints()) {
                brokers.add(new WorkerBrokerDescriptor(broker, worker.registeredCount(broker)));
            }
            descriptors.add(new WorkerDescriptor(worker.service(), worker.endpoint(), worker.connections(),
                    worker.registeredCount(), (lastHeard != 0) ? Instant.ofEpochMilli(lastHeard) : null,
                    worker.reconnects(), brokers));
        }
        return descriptors;
    }

    private static ClientDescriptor client(PirateClient client) {
        MajordomoClient majordomo = client.currentMajordomoClient();
        List<DirectDescriptor> direct = new ArrayList<>();
        for (String name : client.directNames()) {
            DirectEndpoint endpoint = client.direct(name);
            CallOptions options = endpoint.defaults();
            direct.add(new DirectDescriptor(name, endpoint.endpoint(), options.timeout().toMillis(),
                    options.retries()));
        }
        if (majordomo == null) {
            return new ClientDescriptor(client.isClosed() ? "closed" : "idle", null, null, null, List.of(), null,
                    direct);
        }
        CallOptions options = majordomo.defaults();
        List<ClientBrokerDescriptor> brokers = new ArrayList<>();
        for (String broker : majordomo.endpoints()) {
            brokers.add(new ClientBrokerDescriptor(broker, majordomo.isBrokerSkipped(broker)));
        }
        return new ClientDescriptor(client.isClosed() ? "closed" : "open", majordomo.endpoint(),
                options.timeout().toMillis(), options.retries(), brokers, majordomo.failovers(), direct);
    }

    /**
     * What the endpoint shows.
     *
     * @param broker the embedded broker, or {@code null} if the application runs none
     * @param workers the local workers, one entry per service
     * @param client the client, or {@code null} if there is none
     */
    public record PirateDescriptor(@Nullable BrokerDescriptor broker, List<WorkerDescriptor> workers,
            @Nullable ClientDescriptor client) implements OperationResponseBody {
    }

    /**
     * The embedded broker.
     *
     * @param running whether its loop runs
     * @param endpoints the endpoints it is bound to
     * @param services its services, sorted by name
     * @param workersExpired workers forgotten for silence since start
     * @param requestsExpired requests dropped after waiting too long for a worker since start
     * @param invalidMessages messages dropped as invalid since start
     */
    public record BrokerDescriptor(boolean running, List<String> endpoints, List<ServiceDescriptor> services,
            long workersExpired, long requestsExpired, long invalidMessages) {
    }

    /**
     * A service of the broker.
     *
     * @param name the service name
     * @param queued requests waiting for a worker
     * @param idleWorkers workers waiting for a request
     * @param busyWorkers workers handling a request
     * @param served replies delivered since the service appeared
     */
    public record ServiceDescriptor(String name, int queued, int idleWorkers, int busyWorkers, long served) {
    }

    /**
     * The local workers of one service.
     *
     * @param service the service name
     * @param endpoint the first broker they connect to
     * @param connections configured connections to each broker
     * @param connected connections registered with a broker, all brokers together
     * @param lastHeartbeat when a broker was last heard, or {@code null} if never
     * @param reconnects new conversations after a lost one since start
     * @param brokers every configured broker, in order, with the connections registered with it
     */
    public record WorkerDescriptor(String service, String endpoint, int connections, int connected,
            @Nullable Instant lastHeartbeat, long reconnects, List<WorkerBrokerDescriptor> brokers) {
    }

    /**
     * The local workers of one service at one broker.
     *
     * @param endpoint the broker's endpoint
     * @param connected connections registered with it
     */
    public record WorkerBrokerDescriptor(String endpoint, int connected) {
    }

    /**
     * The client.
     *
     * @param state {@code idle} before the first brokered request, then {@code open}, or {@code closed}
     * @param endpoint the (first) broker it sends to, once open
     * @param timeoutMillis the time each attempt waits, once open
     * @param retries the attempts after the first, once open
     * @param brokers every broker it sends to, in the configured order, once open
     * @param failovers attempts sent to another broker than the attempt before them, once open
     * @param direct the plain REQ/REP endpoints configured by name
     */
    public record ClientDescriptor(String state, @Nullable String endpoint, @Nullable Long timeoutMillis,
            @Nullable Integer retries, List<ClientBrokerDescriptor> brokers, @Nullable Long failovers,
            List<DirectDescriptor> direct) {
    }

    /**
     * A broker the client sends to.
     *
     * @param endpoint the broker's endpoint
     * @param skipped whether attempts on it kept timing out and it is skipped for a while
     */
    public record ClientBrokerDescriptor(String endpoint, boolean skipped) {
    }

    /**
     * A plain REQ/REP endpoint of the client.
     *
     * @param name its configured name
     * @param endpoint its address
     * @param timeoutMillis the time each attempt waits
     * @param retries the attempts after the first
     */
    public record DirectDescriptor(String name, String endpoint, long timeoutMillis, int retries) {
    }
}
