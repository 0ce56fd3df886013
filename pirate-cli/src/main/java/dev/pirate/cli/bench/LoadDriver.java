package dev.pirate.cli.bench;

/**
 * Keeps a number of requests in flight against one target until the schedule runs out, and
 * returns once every request sent has an outcome. A driver runs the warm-up and then the measured
 * phase on the same connections.
 */
interface LoadDriver extends AutoCloseable {

    /**
     * Runs one phase.
     * @param schedule the requests to send; already started
     * @param outcomes receives each request's outcome
     */
    void run(Schedule schedule, Outcomes outcomes);

    /**
     * Closes the driver's own sockets.
     */
    @Override
    void close();
}
