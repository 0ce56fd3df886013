package dev.pirate.cli.bench;

/**
 * The plain JeroMQ patterns {@code bench-raw} measures, the ceilings brokered figures are read against.
 */
enum RawPattern {

    /** One DEALER pipelining C requests to a ROUTER echo: the throughput ceiling of one hop. */
    DEALER,

    /** C REQ sockets, each one synchronous round trip at a time, to a REP echo: the latency floor. */
    REQ,

    /**
     * As {@link #REQ}, through a plain ROUTER/DEALER forwarder: four hops, like a brokered request,
     * with no broker's work on the way.
     */
    PROXY
}
