package dev.pirate.spring.health;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.pirate.spring.worker.MajordomoWorkerContainer;
import dev.pirate.worker.MajordomoWorker;

/**
 * Health of the application's {@link dev.pirate.spring.MajordomoService @MajordomoService} workers.
 * <p>
 * {@link Status#OUT_OF_SERVICE OUT_OF_SERVICE} while starting: until every service has had a
 * connection registered with a broker at least once, the application cannot serve, so a readiness
 * probe must not pass (Boot answers OUT_OF_SERVICE with 503). After that, DOWN when a service has had no connection registered with a broker for longer than its liveness
 * times its heartbeat interval: the time after which a worker gives a silent broker up. A worker
 * that is reconnecting, or waiting for a broker that restarts, stays UP until then, and is UP again
 * as soon as a broker answers it. Details per service: connections registered and configured, when the
 * broker was last heard and how many times the connections reconnected; with several brokers, the
 * connections registered with each. One broker of several being down never makes this DOWN: the
 * service is still served through the others.
 */
public class WorkersHealthIndicator implements HealthIndicator {

    private final MajordomoWorkerContainer container;

    /** Services seen registered at least once; a registration that begins and ends between two checks goes unseen. */
    private final Set<String> registeredOnce = ConcurrentHashMap.newKeySet();

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
        boolean down = false;
        boolean starting = false;
        Map<String, Object> services = new LinkedHashMap<>();
        for (MajordomoWorker worker : workers) {
            Duration allowed = worker.heartbeatInterval().multipliedBy(worker.liveness());
            Duration unregistered = worker.unregisteredFor();
            int registered = worker.registeredCount();
            if (registered > 0) {
                this.registeredOnce.add(worker.service());
            }
            Map<String, Object> details = new LinkedHashMap<>();
            if (!this.registeredOnce.contains(worker.service())) {
                starting = true;
                details.put("starting", true);
            }
            details.put("connected", registered);
            details.put("connections", worker.connections() * worker.endpoints().size());
            long lastHeard = worker.lastHeardMillis();
            details.put("lastHeartbeat", (lastHeard != 0) ? Instant.ofEpochMilli(lastHeard).toString() : "never");
            details.put("reconnects", worker.reconnects());
            if (worker.endpoints().size() > 1) {
                // One entry per configured broker: bounded by the configuration, not by the network.
                Map<String, Object> brokers = new LinkedHashMap<>();
                for (String broker : worker.endpoints()) {
                    brokers.put(broker, worker.registeredCount(broker));
                }
                details.put("brokers", brokers);
            }
            if (unregistered.compareTo(allowed) > 0) {
                down = true;
                details.put("unregisteredFor", unregistered.toMillis() + "ms");
            }
            services.put(worker.service(), details);
        }
        Health.Builder builder = down ? Health.down() : starting ? Health.outOfService() : Health.up();
        if (!workers.isEmpty() && workers.get(0).endpoints().size() > 1) {
            builder.withDetail("endpoints", workers.get(0).endpoints());
        }
        return builder.withDetail("endpoint", endpoint(workers))
            .withDetail("curve", !workers.isEmpty() && workers.get(0).isCurve())
            .withDetail("services", services)
            .build();
    }

    private static String endpoint(List<MajordomoWorker> workers) {
        return workers.isEmpty() ? "none" : workers.get(0).endpoint();
    }
}
