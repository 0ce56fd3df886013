package dev.pirate.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Why a Pirate broker refused a request (PX/1, {@code docs/rfc/px-1.md}, section 4). The words are
 * on the wire and are metric tag values, so the set is fixed and small.
 */
public enum RefusalReason {

    /** The request was over the broker's message size or frame limit. */
    TOO_LARGE(false),

    /** A queue, byte or per-client limit of the broker was reached. */
    OVERLOADED(true),

    /** The broker's table of service names was full. */
    TOO_MANY_SERVICES(true),

    /** Workers died holding this request more often than the broker allows. */
    POISON(false),

    /** The request waited longer than the broker's request expiry. */
    EXPIRED(true),

    /** No worker has offered the service for longer than the broker's grace period. */
    UNKNOWN_SERVICE(true),

    /** The worker's reply was over the broker's limit and was dropped. */
    REPLY_TOO_LARGE(false),

    /** The request's PX frame was malformed. */
    BAD_REQUEST(false),

    /** The caller's key may not call the service. */
    FORBIDDEN(false);

    private static final RefusalReason[] VALUES = values();

    private final String word;

    private final byte[] frame;

    private final boolean transientCondition;

    RefusalReason(boolean transientCondition) {
        this.word = name().toLowerCase(Locale.ROOT).replace('_', '-');
        this.frame = this.word.getBytes(StandardCharsets.US_ASCII);
        this.transientCondition = transientCondition;
    }

    /**
     * Returns the reason as it stands on the wire and in metric tags.
     * @return for example {@code too-large}
     */
    public String word() {
        return this.word;
    }

    byte[] frame() {
        return this.frame;
    }

    /**
     * Tells whether the same request may succeed later, once the broker is less busy.
     * @return {@code true} for a condition of the moment, {@code false} for one of the request itself
     */
    public boolean isTransient() {
        return this.transientCondition;
    }

    /**
     * Finds the reason a frame names.
     * @param frame a reason frame
     * @return the reason, or {@code null} for a word this version does not know
     */
    public static RefusalReason fromFrame(byte[] frame) {
        for (RefusalReason reason : VALUES) {
            if (Arrays.equals(reason.frame, frame)) {
                return reason;
            }
        }
        return null;
    }
}
