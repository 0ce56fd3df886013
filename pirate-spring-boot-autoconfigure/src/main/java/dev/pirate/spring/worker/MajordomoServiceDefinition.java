package dev.pirate.spring.worker;

import dev.pirate.worker.ContextualRequestHandler;

/**
 * A service found on a {@link dev.pirate.spring.MajordomoService @MajordomoService} bean, ready to be
 * served by workers.
 *
 * @param beanName the name of the bean that handles the service
 * @param service the service name
 * @param concurrency how many requests are handled at once
 * @param prefetch how many requests the worker takes from the broker at once (its credit)
 * @param handler the bean adapted to raw frames, receiving each request's context
 */
public record MajordomoServiceDefinition(String beanName, String service, int concurrency, int prefetch,
        ContextualRequestHandler handler) {

    /**
     * A definition with MDP/0.1's one request at a time per connection.
     * @param beanName the name of the bean that handles the service
     * @param service the service name
     * @param concurrency how many worker connections serve it
     * @param handler the bean adapted to raw frames
     */
    public MajordomoServiceDefinition(String beanName, String service, int concurrency,
            ContextualRequestHandler handler) {
        this(beanName, service, concurrency, 1, handler);
    }
}
