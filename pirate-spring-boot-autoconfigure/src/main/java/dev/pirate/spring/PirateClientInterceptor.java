package dev.pirate.spring;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.pirate.client.CallOptions;

/**
 * Wraps each brokered call of a {@link PirateClient}, for example to observe it: an interceptor may
 * act before and after the call and may change its {@link CallOptions} (a tracing integration puts
 * the caller's trace context there with {@link CallOptions#withTraceContext(String)}). Every
 * {@code PirateClientInterceptor} bean is applied by the auto-configuration, the first in
 * {@link org.springframework.core.annotation.Order @Order} outermost.
 */
public interface PirateClientInterceptor {

    /**
     * Wraps a synchronous call.
     * @param service the service name
     * @param options the call's options
     * @param call sends the request with the options given to it and returns the reply frames
     * @return the reply frames
     */
    List<byte[]> intercept(String service, CallOptions options, Function<CallOptions, List<byte[]>> call);

    /**
     * Wraps an asynchronous call.
     * @param service the service name
     * @param options the call's options
     * @param call sends the request with the options given to it
     * @return the reply frames, or the call's failure
     */
    CompletableFuture<List<byte[]>> interceptAsync(String service, CallOptions options,
            Function<CallOptions, CompletableFuture<List<byte[]>>> call);
}
