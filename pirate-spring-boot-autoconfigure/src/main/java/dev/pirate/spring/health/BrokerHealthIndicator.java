package dev.pirate.spring.health;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.pirate.broker.BrokerSnapshot;
import dev.pirate.broker.MajordomoBroker;

/**
 * Health of the application's own {@link MajordomoBroker}: UP while its loop runs, DOWN otherwise.
 * Details come from the broker's published snapshot: its endpoints and how many services, workers
 * and queued requests it has, and whether it is a CURVE server (never its keys).
 */
public class BrokerHealthIndicator implements HealthIndicator {

    private final MajordomoBroker broker;

    /**
     * Creates an indicator.
     * @param broker the broker
     */
    public BrokerHealthIndicator(MajordomoBroker broker) {
        this.broker = broker;
    }

    @Override
    public Health health() {
        BrokerSnapshot snapshot = this.broker.snapshot();
        if (!snapshot.running()) {
            Health.Builder down = Health.down().withDetail("running", false);
            Throwable failure = this.broker.failure();
            if (failure != null) {
                down.withDetail("failure", failure.toString());
            }
            return down.build();
        }
        int queued = snapshot.services().stream().mapToInt(BrokerSnapshot.Service::queued).sum();
        return Health.up()
            .withDetail("endpoints", snapshot.endpoints())
            .withDetail("curve", this.broker.isCurve())
            .withDetail("services", snapshot.services().size())
            .withDetail("workers", snapshot.workers())
            .withDetail("queued", queued)
            .withDetail("heldBytes", snapshot.heldBytes())
            .withDetail("refused", snapshot.requestsRefused())
            .build();
    }
}
