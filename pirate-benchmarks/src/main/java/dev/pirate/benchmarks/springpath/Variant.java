package dev.pirate.benchmarks.springpath;

import dev.pirate.cli.bench.Payload;
import dev.pirate.cli.bench.RoundTrip;

/**
 * One way of serving and calling the echo service, set up against the shared broker and measured
 * in turn with the others.
 */
interface Variant extends AutoCloseable {

    /**
     * Returns the short name used in the output, e.g. {@code core}.
     * @return the name
     */
    String name();

    /**
     * Returns the Majordomo service this variant's workers serve, distinct from every other variant's,
     * so each variant's requests only ever reach its own workers.
     * @return the service name
     */
    String service();

    /**
     * Describes what is measured, for the human summary.
     * @return one line
     */
    String describe();

    /**
     * Creates one synchronous echo call of the payload; a driver thread uses it for its requests.
     * @param payload the request body and the check of the reply
     * @return the round trip
     */
    RoundTrip roundTrip(Payload payload);

    /**
     * Stops the variant's workers and closes its client.
     */
    @Override
    void close();
}
