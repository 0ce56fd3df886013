package dev.pirate.queue;

/**
 * Which of the Guide's reliable queues a {@link PirateQueue} is.
 */
public enum QueueMode {

    /** Simple Pirate: least-recently-used routing to REQ workers, no heartbeats. */
    SIMPLE,

    /** Paranoid Pirate (RFC 6): heartbeats both ways, silent workers expire. */
    PARANOID
}
