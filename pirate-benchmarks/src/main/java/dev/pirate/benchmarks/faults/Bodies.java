package dev.pirate.benchmarks.faults;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Request bodies that carry their request id, {@code id:<n>:} then padding, so that replies and
 * handler executions can be matched to requests whatever path they took.
 */
final class Bodies {

    /** Bodies starting with this make a {@code poison} worker halt. */
    static final String POISON = "POISON";

    private static final byte[] ID_PREFIX = "id:".getBytes(StandardCharsets.US_ASCII);

    /** The id is looked for this far into a body only: bodies may be a mebibyte. */
    private static final int SEARCH_LIMIT = 64;

    private Bodies() {
    }

    /**
     * Builds a body of at least the given size for a request id.
     * @param id the request id
     * @param size the body size; a body is never shorter than its id prefix
     */
    static byte[] of(long id, int size) {
        return of("", id, size);
    }

    /** Builds a body that poisons the worker that takes it. */
    static byte[] poison(long id) {
        return of(POISON, id, 0);
    }

    private static byte[] of(String prefix, long id, int size) {
        byte[] head = (prefix + "id:" + id + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] body = Arrays.copyOf(head, Math.max(size, head.length));
        Arrays.fill(body, head.length, body.length, (byte) '.');
        return body;
    }

    /**
     * Reads the request id of a multi-frame body: from its first frame that carries one. A broker
     * that does not know Pirate's extension frame passes it on as a body frame before the request's.
     * @return the id, or -1 if no frame carries one
     */
    static long idOf(List<byte[]> body) {
        for (byte[] frame : body) {
            long id = idOf(frame);
            if (id >= 0) {
                return id;
            }
        }
        return -1;
    }

    /** Tells whether a frame of a body starts with {@link #POISON}. */
    static boolean isPoison(List<byte[]> body) {
        byte[] poison = POISON.getBytes(StandardCharsets.US_ASCII);
        return body.stream().anyMatch((frame) -> frame.length >= poison.length
                && Arrays.equals(frame, 0, poison.length, poison, 0, poison.length));
    }

    /**
     * Reads the request id of a body.
     * @return the id, or -1 if the body carries none
     */
    static long idOf(byte[] body) {
        int limit = Math.min(body.length, SEARCH_LIMIT) - ID_PREFIX.length;
        for (int at = 0; at <= limit; at++) {
            if (Arrays.equals(body, at, at + ID_PREFIX.length, ID_PREFIX, 0, ID_PREFIX.length)) {
                long id = 0;
                int digits = 0;
                for (int i = at + ID_PREFIX.length; i < body.length && body[i] >= '0' && body[i] <= '9'; i++) {
                    id = id * 10 + (body[i] - '0');
                    digits++;
                }
                return (digits > 0 && digits < 19) ? id : -1;
            }
        }
        return -1;
    }
}
