package dev.pirate.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Frame constants of the Majordomo Protocol, MDP/0.1 (zeromq.org RFC 7), and of the Majordomo
 * Management Interface (RFC 8).
 */
public final class Mdp {

    /** Protocol header of every client message: {@code "MDPC01"}. */
    public static final byte[] CLIENT_HEADER = "MDPC01".getBytes(StandardCharsets.US_ASCII);

    /** Protocol header of every worker message: {@code "MDPW01"}. */
    public static final byte[] WORKER_HEADER = "MDPW01".getBytes(StandardCharsets.US_ASCII);

    /** The empty delimiter frame that precedes the protocol header. */
    public static final byte[] EMPTY = new byte[0];

    /** Prefix of service names reserved for the broker's management interface. */
    public static final String MMI_PREFIX = "mmi.";

    /** MMI service that tells whether a service has at least one worker. */
    public static final String MMI_SERVICE = "mmi.service";

    /** {@link #MMI_SERVICE} as a frame. */
    public static final byte[] MMI_SERVICE_FRAME = ascii(MMI_SERVICE);

    /** MMI answer: the service exists. */
    public static final byte[] MMI_FOUND = ascii("200");

    /** MMI answer: the service has no worker. */
    public static final byte[] MMI_NOT_FOUND = ascii("404");

    /** MMI answer: the {@code mmi.} service asked for is not implemented. */
    public static final byte[] MMI_NOT_IMPLEMENTED = ascii("501");

    /** Longest service name accepted; keeps names usable as metric tags and log fields. */
    public static final int MAX_SERVICE_NAME_LENGTH = 255;

    private Mdp() {
    }

    static byte[] ascii(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Tells whether a frame is exactly the given constant.
     * @param frame a received frame, possibly {@code null}
     * @param constant one of the constants of this class
     * @return {@code true} if both hold the same bytes
     */
    public static boolean is(byte[] frame, byte[] constant) {
        return frame != null && Arrays.equals(frame, constant);
    }

    /**
     * Tells whether a name is a valid service name: 1 to {@value #MAX_SERVICE_NAME_LENGTH} printable
     * ASCII characters without spaces.
     * @param name the candidate name
     * @return {@code true} if the name may be used as a service name
     */
    public static boolean isValidServiceName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_SERVICE_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /**
     * Tells whether a frame holds a valid service name; see {@link #isValidServiceName(String)}.
     * @param frame the service frame
     * @return {@code true} if the frame may be used as a service name
     */
    public static boolean isValidServiceName(byte[] frame) {
        if (frame == null || frame.length == 0 || frame.length > MAX_SERVICE_NAME_LENGTH) {
            return false;
        }
        for (byte b : frame) {
            if (b <= ' ' || b > '~') {
                return false;
            }
        }
        return true;
    }
}
