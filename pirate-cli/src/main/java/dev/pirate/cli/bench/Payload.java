package dev.pirate.cli.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The one-frame request body of a benchmark, and the check that a reply is its echo. Only the
 * length is compared: comparing bytes would charge the load generator for every reply.
 */
public final class Payload {

    private final byte[] body;

    private final List<byte[]> frames;

    /**
     * Creates a body of the given size.
     * @param size bytes, zero or more
     */
    public Payload(int size) {
        this.body = new byte[size];
        Arrays.fill(this.body, (byte) 'p');
        this.frames = List.of(this.body);
    }

    /**
     * Returns the body; never modified, so every sender shares it.
     * @return the body
     */
    public byte[] body() {
        return this.body;
    }

    /**
     * Returns the body as a request's frame list.
     * @return one frame
     */
    public List<byte[]> frames() {
        return this.frames;
    }

    /**
     * Checks that a reply is the echo of the body.
     * @param reply the reply frames
     * @throws IllegalStateException if it is not
     */
    public void checkEcho(List<byte[]> reply) {
        if (reply.size() != 1) {
            throw new IllegalStateException("Expected a one-frame echo, got " + reply.size() + " frames");
        }
        checkEcho(reply.get(0));
    }

    /**
     * Checks that a reply frame is the echo of the body.
     * @param reply the reply frame, {@code null} if none came in time
     * @throws IllegalStateException if it is not
     */
    public void checkEcho(byte[] reply) {
        if (reply == null) {
            throw new IllegalStateException("No reply in time");
        }
        if (reply.length != this.body.length) {
            throw new IllegalStateException("Expected an echo of " + this.body.length + " bytes, got "
                    + reply.length);
        }
    }
}
