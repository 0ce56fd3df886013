package dev.pirate.spring.health;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.pirate.client.CallOptions;
import dev.pirate.client.MajordomoClient;
import dev.pirate.spring.DirectEndpoint;
import dev.pirate.spring.PirateClient;

/**
 * Details of the {@link PirateClient}: where it sends requests and with which timeout and retries;
 * with several brokers, whether each is in the rotation or skipped for a while, and how many attempts
 * went to another broker than the attempt before them.
 * Always UP: a slow or missing remote service is the caller's concern, reported per request as a
 * timeout or an unknown service and counted in metrics, not a reason to take this application out of
 * service. Never opens a connection: before the first brokered request the client has none.
 */
public class ClientHealthIndicator implements HealthIndicator {

    private final PirateClient client;

    /**
     * Creates an indicator.
     * @param client the client
     */
    public ClientHealthIndicator(PirateClient client) {
        this.client = client;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        MajordomoClient majordomo = this.client.currentMajordomoClient();
        if (this.client.isClosed()) {
            health.withDetail("state", "closed");
        }
        else if (majordomo == null) {
            health.withDetail("state", "idle");
        }
        else {
            health.withDetail("state", "open").withDetail("endpoint", majordomo.endpoint())
                .withDetail("curve", majordomo.isCurve());
            options(health, majordomo.defaults());
            if (majordomo.endpoints().size() > 1) {
                // One entry per configured broker: bounded by the configuration, not by the network.
                Map<String, Object> brokers = new LinkedHashMap<>();
                for (String broker : majordomo.endpoints()) {
                    brokers.put(broker, majordomo.isBrokerSkipped(broker) ? "skipped" : "in rotation");
                }
                health.withDetail("brokers", brokers).withDetail("failovers", majordomo.failovers());
            }
        }
        if (!this.client.directNames().isEmpty()) {
            Map<String, Object> direct = new LinkedHashMap<>();
            for (String name : this.client.directNames()) {
                DirectEndpoint endpoint = this.client.direct(name);
                direct.put(name, Map.of("endpoint", endpoint.endpoint(), "timeout",
                        endpoint.defaults().timeout().toMillis() + "ms", "retries", endpoint.defaults().retries(),
                        "curve", endpoint.isCurve()));
            }
            health.withDetail("direct", direct);
        }
        return health.build();
    }

    private static void options(Health.Builder health, CallOptions options) {
        health.withDetail("timeout", options.timeout().toMillis() + "ms").withDetail("retries", options.retries());
    }
}
