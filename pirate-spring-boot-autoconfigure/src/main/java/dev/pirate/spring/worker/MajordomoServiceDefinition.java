package dev.pirate.spring.worker;

import dev.pirate.worker.ContextualRequestHandler;

/**
 * A service found on a {@link dev.pirate.spring.MajordomoService @MajordomoService} bean, ready to be
 * served by workers.
 *
 * @param beanName the name of the bean that handles the service
 * @param service the service name
 * @param concurrency how many worker connections serve it
 * @param handler the bean adapted to raw frames, receiving each request's context
 */
public record MajordomoServiceDefinition(String beanName, String service, int concurrency,
        ContextualRequestHandler handler) {
}
