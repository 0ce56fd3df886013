package dev.pirate.worker;

import java.util.List;

/**
 * Handles the requests of one service. Called on a worker connection's own thread, one request at a
 * time per connection; a worker with several connections calls it from several threads at once.
 * <p>
 * MDP delivers at least once: a request whose reply was lost is sent again, possibly to another
 * worker, so handlers should be idempotent.
 */
@FunctionalInterface
public interface RequestHandler {

    /**
     * Handles one request.
     * @param body the request body frames, at least one
     * @return the reply body frames, at least one
     * @throws Exception any failure; the caller receives it as a Pirate error reply
     */
    List<byte[]> handle(List<byte[]> body) throws Exception;
}
