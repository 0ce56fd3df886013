package dev.pirate.spring.autoconfigure;

import dev.pirate.worker.MajordomoWorker;

/**
 * Customizes the workers of each {@link dev.pirate.spring.MajordomoService @MajordomoService} after
 * the {@code pirate.worker.*} properties are applied.
 */
@FunctionalInterface
public interface MajordomoWorkerCustomizer {

    /**
     * Customizes the builder of one service's workers.
     * @param service the service name
     * @param builder the worker builder
     */
    void customize(String service, MajordomoWorker.Builder builder);
}
