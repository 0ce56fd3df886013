package dev.pirate.spring;

import dev.pirate.worker.ContextualRequestHandler;

/**
 * Wraps the handler of each {@link MajordomoService @MajordomoService}, for example to observe it
 * with the caller's trace context ({@link dev.pirate.worker.RequestContext#traceContext()}). Every
 * {@code MajordomoHandlerInterceptor} bean is applied by the auto-configuration when the workers are
 * created, the first in {@link org.springframework.core.annotation.Order @Order} outermost.
 */
@FunctionalInterface
public interface MajordomoHandlerInterceptor {

    /**
     * Wraps a service's handler.
     * @param service the service name
     * @param handler the handler, possibly already wrapped by inner interceptors
     * @return the handler to run instead
     */
    ContextualRequestHandler intercept(String service, ContextualRequestHandler handler);
}
