package dev.pirate.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Pirate's convention for a handler failure, carried inside a normal MDP reply body, because MDP/0.1
 * has no error frame.
 * <p>
 * An error reply body is exactly two frames: the marker {@code 0x00 "PIRATE-ERROR"} (a NUL byte
 * first, so no text reply can collide with it) and the UTF-8 error message. Successful replies are
 * never changed, so foreign clients keep working; a foreign client simply sees a two-frame body.
 */
public final class ErrorReply {

    /** The first frame of every error reply. */
    public static final byte[] MARKER = marker();

    private ErrorReply() {
    }

    private static byte[] marker() {
        byte[] text = "PIRATE-ERROR".getBytes(StandardCharsets.US_ASCII);
        byte[] marker = new byte[text.length + 1];
        System.arraycopy(text, 0, marker, 1, text.length);
        return marker;
    }

    /**
     * Builds the body of an error reply.
     * @param message what went wrong, shown to the caller
     * @return the two body frames
     */
    public static List<byte[]> body(String message) {
        return List.of(MARKER, message.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Describes a handler's failure for a remote caller. By default only the exception's own message
     * goes out: its class name (and so the implementation behind it) stays in the worker's log.
     * @param failure what the handler threw
     * @param exceptionDetails whether to include the exception's class name as well
     * @return the text of an error reply
     */
    public static String describe(Throwable failure, boolean exceptionDetails) {
        if (exceptionDetails) {
            return failure.toString();
        }
        String message = failure.getMessage();
        return (message != null && !message.isBlank()) ? message : "the handler failed (see the worker's log)";
    }

    /**
     * Tells whether a reply body is an error reply.
     * @param body the reply body frames
     * @return {@code true} for a Pirate error reply
     */
    public static boolean isError(List<byte[]> body) {
        return body.size() == 2 && Arrays.equals(body.get(0), MARKER);
    }

    /**
     * Returns the message of an error reply.
     * @param body a body for which {@link #isError(List)} is {@code true}
     * @return the error message
     */
    public static String message(List<byte[]> body) {
        return new String(body.get(1), StandardCharsets.UTF_8);
    }
}
