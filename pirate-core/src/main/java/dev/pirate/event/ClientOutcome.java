package dev.pirate.event;

/**
 * How a client request ended.
 */
public enum ClientOutcome {

    /** A reply came back. */
    SUCCESS,

    /** Every attempt timed out. */
    TIMEOUT,

    /** The broker reported the service unknown (MMI 404). */
    UNKNOWN_SERVICE,

    /** The handler failed, or the reply could not be used. */
    FAILED,

    /** The broker refused the request, or gave up on it, and said why (PX/1). */
    REFUSED;

    /**
     * Returns the lower-case name used as a metric tag.
     * @return the tag value, e.g. {@code unknown_service}
     */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
