package dev.pirate.cli.bench;

/**
 * Receives the outcome of each request a {@link LoadDriver} sends. Called from the drivers' threads
 * at once, so implementations are thread-safe.
 */
interface Outcomes {

    /**
     * A reply came back as expected.
     * @param latencyNanos from the request's intended start to its reply
     */
    void success(long latencyNanos);

    /**
     * The request failed, or its reply was not the echo expected.
     * @param cause why
     */
    void failure(RuntimeException cause);
}
