package dev.pirate.protocol;

/**
 * Frame constants of the Paranoid Pirate Protocol (zeromq.org RFC 6), also used by the Simple
 * Pirate queue for its one-frame READY.
 */
public final class Ppp {

    /** Worker to queue: ready for work. */
    public static final byte[] READY = { 0x01 };

    /** Either way: the peer is alive. */
    public static final byte[] HEARTBEAT = { 0x02 };

    private Ppp() {
    }
}
