package dev.pirate.spring.health;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.pirate.spring.worker.MajordomoWorkerContainer;
import dev.pirate.worker.MajordomoWorker;

/**
 * Health of the application's {@link dev.pirate.spring.MajordomoService @MajordomoService} workers.
 * <p>
 * DOWN when a service has had no connection registered with a broker for longer than its liveness
 * times its heartbeat interval: the time after which a worker gives a silent broker up. A worker
 * that is reconnecting, or waiting for a broker that restarts, stays UP until then, and is UP again
 * as soon as a broker answers it. Details per service: connections registered and configured, when the
 * broker was last heard and how many times the connections reconnected.
 */
public class WorkersHealthIndicator implements HealthIndicator {

    private final MajordomoWorkerContainer container;

    /**
     * Creates an indicator.
     * @param container the container that runs the workers
     */
    public WorkersHealthIndicator(MajordomoWorkerContainer container) {
        this.container = container;
    }

    @Override
    public Health health() {
        List<MajordomoWorker> workers = this.container.getWorkers();
        if (workers.isEmpty() && !this.container.getServices().isEmpty()) {
            return Health.unknown().withDetail("running", false).build();
        }
        boolean up = true;
        Map<String, Object> services = new LinkedHashMap<>();
        for (MajordomoWorker worker : workers) {
            Duration allowed = worker.heartbeatInterval().multipliedBy(worker.liveness());
            Duration unregistered = worker.unregisteredFor();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("connected", worker.registeredCount());
            details.put("connections", worker.connections());
            long lastHeard = worker.lastHeardMillis();
            details.put("lastHeartbeat", (lastHeard != 0) ? Instant.ofEpochMilli(lastHeard).toString() : "never");
            details.put("reconnects", worker.reconnects());
            if (unregistered.compareTo(allowed) > 0) {
                up = false;
                details.put("unregisteredFor", unregistered.toMillis() + "ms");
            }
            services.put(worker.service(), details);
        }
        return (up ? Health.up() : Health.down()).withDetail("endpoint", endpoint(workers))
            .withDetail("curve", !workers.isEmpty() && workers.get(0).isCurve())
            .withDetail("services", services)
            .build();
    }

    private static String endpoint(List<MajordomoWorker> workers) {
        return workers.isEmpty() ? "none" : workers.get(0).endpoint();
    }
}
