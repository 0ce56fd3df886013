package dev.pirate.broker;

import java.util.List;

/**
 * An immutable picture of a broker, published by its loop so that other threads (health checks,
 * endpoints, gauges) never touch the loop's own maps.
 *
 * @param running whether the broker loop is running
 * @param endpoints the endpoints the broker is bound to
 * @param services one entry per known service, sorted by name
 * @param workersExpired workers forgotten for silence since start
 * @param invalidMessages messages dropped as invalid since start
 * @param requestsExpired requests dropped after the request expiry since start
 * @param requestsRefused requests refused or dropped by a limit (see {@code RefusalReason}) since start
 * @param repliesDropped replies the broker gave up on (over the size limit, or no room left to wait for
 *        a client that does not read) since start
 * @param heldBytes bytes of requests and undelivered replies the broker holds now
 * @param clients client connections with requests or replies in the broker now
 * @param retriesCoalesced retries of a call the broker still held (or had just answered) that it joined
 *        to the first attempt instead of running the call again (PX/1 request id) since start
 */
public record BrokerSnapshot(boolean running, List<String> endpoints, List<Service> services, long workersExpired,
        long invalidMessages, long requestsExpired, long requestsRefused, long repliesDropped, long heldBytes,
        int clients, long retriesCoalesced) {

    /** The snapshot of a broker that has not started. */
    public static final BrokerSnapshot NOT_RUNNING = new BrokerSnapshot(false, List.of(), List.of(), 0, 0, 0, 0, 0, 0,
            0, 0);

    /**
     * One service.
     *
     * @param name the service name
     * @param queued requests waiting for a worker
     * @param idleWorkers workers waiting for a request
     * @param busyWorkers workers handling a request
     * @param served replies delivered since the service was created
     */
    public record Service(String name, int queued, int idleWorkers, int busyWorkers, long served) {
    }

    /**
     * Returns the total number of registered workers.
     * @return idle plus busy workers over all services
     */
    public int workers() {
        return this.services.stream().mapToInt((s) -> s.idleWorkers() + s.busyWorkers()).sum();
    }
}
