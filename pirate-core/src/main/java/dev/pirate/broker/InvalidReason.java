package dev.pirate.broker;

import java.util.Locale;

/**
 * Why the broker refused a message. The names are metric tag values, so the set is fixed and small.
 */
public enum InvalidReason {

    /** The message was larger than the configured maximum, or had too many frames. */
    OVERSIZED,

    /** The delimiter frame or the protocol header was missing or unknown. */
    BAD_HEADER,

    /** A frame the command needs was missing, or frames were left over. */
    MISSING_FRAMES,

    /** The service name was empty, too long or not printable ASCII. */
    BAD_SERVICE,

    /** The command byte was not an MDP/0.1 worker command. */
    UNKNOWN_COMMAND,

    /** A valid command came at the wrong time: before READY, a second READY, an unasked REPLY. */
    UNEXPECTED_COMMAND,

    /** A worker tried to offer one of the broker's own {@code mmi.} services. */
    RESERVED_SERVICE,

    /** A client's PX frame (Pirate's extension, {@code docs/rfc/px-1.md}) was malformed. */
    BAD_EXTENSION,

    /** A worker offered a new service while the broker's table of services was full. */
    TOO_MANY_SERVICES,

    /** A worker offered a service its key may not serve ({@link dev.pirate.security.ServiceRules}). */
    FORBIDDEN;

    /**
     * Returns the lower-case tag value.
     * @return for example {@code bad_header}
     */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
