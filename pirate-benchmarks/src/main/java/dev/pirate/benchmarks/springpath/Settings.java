package dev.pirate.benchmarks.springpath;

import java.time.Duration;

/**
 * What the variants share, so that only the path a request takes differs between them.
 */
final class Settings {

    /**
     * Worker connections of each variant, so requests each handled at once. A constant because the
     * Spring variant declares it in its annotation.
     */
    static final int CONNECTIONS = 4;

    /**
     * Broker and worker heartbeats: faster than the default 2.5 s, so a connection whose handshake
     * stalls (a JeroMQ 0.6.0 race) is replaced in seconds instead of 7.5 s plus back-off, yet not as fast
     * as bench/compare.sh's 250 ms, with which a starved two-core machine (a Spring context starting
     * beside the running core workers) made workers miss three heartbeats and reconnect.
     */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);

    /** Per request, never retried: what {@code pirate bench} uses by default. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Workers have nothing in hand when they stop; this only bounds a stuck stop. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private Settings() {
    }
}
