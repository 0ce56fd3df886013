package dev.pirate.worker;

import java.util.List;

/**
 * A {@link RequestHandler} that also receives the {@link RequestContext} of each request: the
 * service, and the caller's request id and deadline when the broker speaks PX/1. Called like a
 * {@link RequestHandler}: on a worker connection's own thread, one request at a time per connection.
 */
@FunctionalInterface
public interface ContextualRequestHandler {

    /**
     * Handles one request.
     * @param body the request body frames, at least one
     * @param context what is known about the request besides its body
     * @return the reply body frames, at least one
     * @throws Exception any failure; the caller receives it as a Pirate error reply
     */
    List<byte[]> handle(List<byte[]> body, RequestContext context) throws Exception;
}
