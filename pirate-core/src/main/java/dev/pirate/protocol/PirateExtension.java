package dev.pirate.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Frames of PX/1, Pirate's negotiated extension to MDP/0.1 between a client and a broker
 * ({@code docs/rfc/px-1.md}): the {@code mmi.pirate} negotiation, the PX frame a negotiated client
 * puts after the service name, and the refusal reply a Pirate broker sends to such a client.
 */
public final class PirateExtension {

    /** The MMI service a client asks to learn whether the broker speaks PX/1. */
    public static final byte[] MMI_PIRATE_FRAME = Mdp.ascii("mmi.pirate");

    /** The version word, the body of the negotiation request and the second frame of its answer. */
    public static final byte[] VERSION = Mdp.ascii("PX1");

    /** The PX frame with no field: what a PX/1 client sends after the service frame. */
    public static final byte[] PX_FRAME = { 0, 'P', 'X', '1' };

    /** Longest PX frame a broker accepts. */
    public static final int MAX_PX_FRAME_LENGTH = 255;

    /** First body frame of a refusal reply. */
    public static final byte[] REFUSED_MARKER = marker();

    /** Longest refusal text, in bytes. */
    public static final int MAX_REFUSAL_TEXT = 1024;

    private PirateExtension() {
    }

    private static byte[] marker() {
        byte[] text = "PIRATE-REFUSED".getBytes(StandardCharsets.US_ASCII);
        byte[] marker = new byte[text.length + 1];
        System.arraycopy(text, 0, marker, 1, text.length);
        return marker;
    }

    /**
     * Tells whether a frame claims to be a PX frame (its first four bytes), valid or not.
     * @param frame a frame
     * @return {@code true} if the frame starts with {@code 0x00 "PX1"}
     */
    public static boolean isPxFrame(byte[] frame) {
        return frame.length >= 4 && frame[0] == 0 && frame[1] == 'P' && frame[2] == 'X' && frame[3] == '1';
    }

    /**
     * Tells whether a frame that {@link #isPxFrame(byte[]) is a PX frame} is well formed: within the
     * length limit, every field within the frame. Fields of unknown types are allowed (skipped).
     * @param frame a PX frame
     * @return {@code true} if well formed
     */
    public static boolean isWellFormed(byte[] frame) {
        if (frame.length > MAX_PX_FRAME_LENGTH) {
            return false;
        }
        int i = 4;
        while (i < frame.length) {
            if (i + 2 > frame.length) {
                return false;
            }
            i += 2 + (frame[i + 1] & 0xff);
        }
        return i == frame.length;
    }

    /**
     * Tells whether an MMI answer body says the broker speaks PX/1.
     * @param body the reply body to {@code mmi.pirate}
     * @return {@code true} for {@code "200", "PX1"}
     */
    public static boolean isNegotiated(List<byte[]> body) {
        return body.size() == 2 && Arrays.equals(body.get(0), Mdp.MMI_FOUND) && Arrays.equals(body.get(1), VERSION);
    }

    /**
     * Builds the three body frames of a refusal.
     * @param reason why
     * @param text a human-readable explanation, cut to {@value #MAX_REFUSAL_TEXT} bytes
     * @return marker, reason word, text
     */
    public static byte[][] refusalBody(RefusalReason reason, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_REFUSAL_TEXT) {
            utf8 = Arrays.copyOf(utf8, MAX_REFUSAL_TEXT);
        }
        return new byte[][] { REFUSED_MARKER, reason.frame(), utf8 };
    }

    /**
     * Tells whether a reply body is a refusal.
     * @param body the reply body frames
     * @return {@code true} for a PX/1 refusal
     */
    public static boolean isRefusal(List<byte[]> body) {
        return body.size() == 3 && Arrays.equals(body.get(0), REFUSED_MARKER);
    }

    /**
     * Returns the reason of a refusal.
     * @param body a body for which {@link #isRefusal(List)} is {@code true}
     * @return the reason, or {@code null} for a word this version does not know
     */
    public static RefusalReason refusalReason(List<byte[]> body) {
        return RefusalReason.fromFrame(body.get(1));
    }

    /**
     * Returns the text of a refusal.
     * @param body a body for which {@link #isRefusal(List)} is {@code true}
     * @return the explanation
     */
    public static String refusalText(List<byte[]> body) {
        return new String(body.get(2), StandardCharsets.UTF_8);
    }
}
