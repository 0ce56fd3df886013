package dev.pirate.queue;

/**
 * An immutable picture of a {@link PirateQueue}, published by its loop.
 *
 * @param running whether the loop is running
 * @param readyWorkers workers waiting for a request
 * @param busyWorkers workers handling a request
 * @param requests requests routed to workers since start
 * @param workersExpired workers forgotten since start: silent for too long (Paranoid) or holding a request
 * past the request expiry (Simple)
 * @param invalidMessages messages dropped since start as malformed, oversized or misaddressed
 */
public record QueueSnapshot(boolean running, int readyWorkers, int busyWorkers, long requests, long workersExpired,
        long invalidMessages) {

    /** The snapshot of a queue that is not running. */
    public static final QueueSnapshot NOT_RUNNING = new QueueSnapshot(false, 0, 0, 0, 0, 0);
}
