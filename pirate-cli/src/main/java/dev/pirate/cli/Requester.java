package dev.pirate.cli;

import java.util.List;

/**
 * Sends requests to the target chosen on the command line, whether a service behind a broker or a
 * plain REP server, so {@code call} and {@code bench} need not care which. Thread-safe, like the
 * clients behind it.
 */
public interface Requester extends AutoCloseable {

    /**
     * Sends a request and waits for its reply, with the timeout and retries the requester was opened with.
     * @param body the request frames, at least one
     * @return the reply frames
     * @throws dev.pirate.client.PirateException if the request failed
     */
    List<byte[]> request(List<byte[]> body);

    /**
     * Closes the client and its sockets.
     */
    @Override
    void close();
}
