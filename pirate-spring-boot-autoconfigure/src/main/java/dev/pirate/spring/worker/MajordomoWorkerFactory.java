package dev.pirate.spring.worker;

import dev.pirate.worker.MajordomoWorker;

/**
 * Creates the core workers of a service, with the connection settings of the application.
 */
@FunctionalInterface
public interface MajordomoWorkerFactory {

    /**
     * Creates, but does not start, the workers of a service.
     * @param definition the service
     * @return the workers
     */
    MajordomoWorker createWorker(MajordomoServiceDefinition definition);
}
