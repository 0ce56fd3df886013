package dev.pirate.spring.test;

import org.springframework.beans.factory.ObjectProvider;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.spring.autoconfigure.PirateConnectionDetails;
import dev.pirate.spring.broker.InProcessContext;

/**
 * The endpoint of the context's own broker, for workers and client alike: in-process when the broker
 * shares its ZeroMQ context ({@code pirate.broker.in-process}), else its TCP endpoint. Asked for only once the
 * broker has started (workers start after it; the client connects on its first request).
 */
class EmbeddedBrokerConnectionDetails implements PirateConnectionDetails {

    private final ObjectProvider<MajordomoBroker> broker;

    private final ObjectProvider<InProcessContext> inProcess;

    EmbeddedBrokerConnectionDetails(ObjectProvider<MajordomoBroker> broker, ObjectProvider<InProcessContext> inProcess) {
        this.broker = broker;
        this.inProcess = inProcess;
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
        // As in the application: the broker's own in-process endpoint when it shares its context.
        return (this.inProcess.getIfAvailable() != null) ? InProcessContext.ENDPOINT : broker.connectEndpoint();
    }
}
