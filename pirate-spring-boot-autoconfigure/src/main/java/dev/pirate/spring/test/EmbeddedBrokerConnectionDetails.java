package dev.pirate.spring.test;

import org.springframework.beans.factory.ObjectProvider;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.spring.autoconfigure.PirateConnectionDetails;

/**
 * The endpoint of the context's own broker, for workers and client alike. Asked for only once the
 * broker has started (workers start after it; the client connects on its first request).
 */
class EmbeddedBrokerConnectionDetails implements PirateConnectionDetails {

    private final ObjectProvider<MajordomoBroker> broker;

    EmbeddedBrokerConnectionDetails(ObjectProvider<MajordomoBroker> broker) {
        this.broker = broker;
    }

    @Override
    public String getWorkerEndpoint() {
        return endpoint();
    }

    @Override
    public String getClientEndpoint() {
        return endpoint();
    }

    private String endpoint() {
        MajordomoBroker broker = this.broker.getObject();
        if (!broker.isRunning()) {
            throw new IllegalStateException("The embedded broker of @EmbeddedPirateBroker is not running");
        }
        return broker.connectEndpoint();
    }
}
