package dev.pirate.spring.autoconfigure;

import java.util.List;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where Pirate's workers and client find their Majordomo broker. The default implementation reads
 * {@code pirate.worker.endpoint} and {@code pirate.client.endpoint} and, when they are not set and the
 * application runs a broker, uses that broker's bound endpoint.
 * <p>
 * The endpoints are asked for when workers start and when the client sends its first request, so an
 * embedded broker bound to a free port ({@code tcp://127.0.0.1:*}) is already bound.
 */
public interface PirateConnectionDetails extends ConnectionDetails {

    /**
     * Returns the endpoint the workers connect to.
     * @return a ZeroMQ endpoint, for example {@code tcp://localhost:5555}
     */
    String getWorkerEndpoint();

    /**
     * Returns the endpoint the client sends requests to.
     * @return a ZeroMQ endpoint, for example {@code tcp://localhost:5555}
     */
    String getClientEndpoint();

    /**
     * Returns the endpoints of every broker the workers register with.
     * @return one or more ZeroMQ endpoints; by default the one of {@link #getWorkerEndpoint()}
     */
    default List<String> getWorkerEndpoints() {
        return List.of(getWorkerEndpoint());
    }

    /**
     * Returns the endpoints of every broker the client spreads its requests over.
     * @return one or more ZeroMQ endpoints; by default the one of {@link #getClientEndpoint()}
     */
    default List<String> getClientEndpoints() {
        return List.of(getClientEndpoint());
    }
}
