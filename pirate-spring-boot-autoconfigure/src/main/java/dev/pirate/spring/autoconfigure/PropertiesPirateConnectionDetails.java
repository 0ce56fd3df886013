package dev.pirate.spring.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.spring.broker.InProcessContext;

/**
 * {@link PirateConnectionDetails} from {@link PirateProperties}, falling back to the endpoint of the
 * application's own broker (a {@link MajordomoBroker} bean), then to {@value #DEFAULT_ENDPOINT}.
 */
class PropertiesPirateConnectionDetails implements PirateConnectionDetails {

    static final String DEFAULT_ENDPOINT = "tcp://localhost:5555";

    private final PirateProperties properties;

    private final ObjectProvider<MajordomoBroker> broker;

    private final ObjectProvider<InProcessContext> inProcess;

    PropertiesPirateConnectionDetails(PirateProperties properties, ObjectProvider<MajordomoBroker> broker,
            ObjectProvider<InProcessContext> inProcess) {
        this.properties = properties;
        this.broker = broker;
        this.inProcess = inProcess;
    }

    @Override
    public String getWorkerEndpoint() {
        return resolve(this.properties.getWorker().getEndpoint());
    }

    @Override
    public String getClientEndpoint() {
        return resolve(this.properties.getClient().getEndpoint());
    }

    private String resolve(@Nullable String configured) {
        if (configured != null) {
            return configured;
        }
        MajordomoBroker local = this.broker.getIfUnique();
        if (local == null) {
            return DEFAULT_ENDPOINT;
        }
        if (!local.isRunning()) {
            throw new IllegalStateException("The application's Majordomo broker is not running, so its endpoint is "
                    + "unknown; connect after the application context has started, or set the endpoint explicitly");
        }
        // The application's own broker shares its context: in-process peers skip TCP.
        return (this.inProcess.getIfAvailable() != null) ? InProcessContext.ENDPOINT : local.connectEndpoint();
    }
}
