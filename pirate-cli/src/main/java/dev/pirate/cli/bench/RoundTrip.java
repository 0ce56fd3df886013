package dev.pirate.cli.bench;

/**
 * One synchronous request and its reply, as sent by one thread of a {@link ThreadsDriver} or of
 * {@link ClosedLoopBench}. An instance is used by one thread at a time.
 */
public interface RoundTrip extends AutoCloseable {

    /**
     * Sends the request and waits for its echo.
     * @throws RuntimeException if the request failed or the reply was not the echo
     */
    void call();

    /**
     * Releases what the round trip owns; by default nothing.
     */
    @Override
    default void close() {
    }
}
