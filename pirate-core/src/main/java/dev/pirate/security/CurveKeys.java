package dev.pirate.security;

import org.zeromq.ZMQ;

/**
 * Checks and converts CURVE keys written as Z85 text (ZeroMQ RFC 32): 40 characters for 32 bytes.
 */
final class CurveKeys {

    /** Bytes of a CURVE key. */
    static final int KEY_BYTES = 32;

    /** Characters of a CURVE key in Z85. */
    static final int KEY_CHARS = 40;

    /**
     * Longest a CURVE handshake may take before ZeroMQ drops the connection and tries again. JeroMQ's
     * CURVE is pure Java: one handshake costs tens of milliseconds of CPU (measured 35 to 50 ms on a
     * busy 2-core machine), and a burst of new connections queues on one I/O thread, so Pirate's
     * plain-text limit of one second ({@link dev.pirate.support.Sockets#HANDSHAKE_MILLIS}) would drop
     * them all and start the same burst again.
     */
    static final int HANDSHAKE_MILLIS = 10_000;

    private static final String Z85_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

    private CurveKeys() {
    }

    /**
     * Decodes a Z85 key.
     * @param z85 the key text
     * @param what what the key is (a setting or option name), for the message
     * @return the 32 key bytes
     * @throws IllegalArgumentException naming {@code what} if the text is not a Z85 CURVE key; the
     *         message never repeats the text, which may be a secret
     */
    static byte[] decode(String z85, String what) {
        if (z85 == null || z85.isBlank()) {
            throw new IllegalArgumentException(what + " is required: a CURVE key of " + KEY_CHARS + " Z85 characters");
        }
        String text = z85.strip();
        if (text.length() != KEY_CHARS) {
            throw new IllegalArgumentException(what + " must be a CURVE key of " + KEY_CHARS
                    + " Z85 characters, but has " + text.length() + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Z85_ALPHABET.indexOf(text.charAt(i)) < 0) {
                throw new IllegalArgumentException(what + " is not a Z85 CURVE key: character " + (i + 1)
                        + " is outside the Z85 alphabet");
            }
        }
        byte[] key = ZMQ.Curve.z85Decode(text);
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException(what + " is not a Z85 CURVE key");
        }
        return key;
    }

    /**
     * Returns a public key in its canonical Z85 text, checking it.
     * @param z85 the key text
     * @param what what the key is, for the message
     * @return the key, stripped of surrounding blanks
     */
    static String canonical(String z85, String what) {
        return encode(decode(z85, what));
    }

    static String encode(byte[] key) {
        return ZMQ.Curve.z85Encode(key);
    }
}
