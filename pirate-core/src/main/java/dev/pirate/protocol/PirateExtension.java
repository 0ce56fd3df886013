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

    /** Field type of the request id: opaque bytes, the same for every attempt of one call. */
    public static final int FIELD_REQUEST_ID = 0x01;

    /** Field type of the deadline: unsigned 32-bit big-endian milliseconds the caller still waits. */
    public static final int FIELD_DEADLINE = 0x02;

    /** Field type of the trace context: printable ASCII, a W3C {@code traceparent} value. */
    public static final int FIELD_TRACE_CONTEXT = 0x03;

    /** Longest trace context carried; a longer one is ignored. */
    public static final int MAX_TRACE_CONTEXT_LENGTH = 128;

    /** Field type of a worker's credit, in READY: unsigned 16-bit, the requests it takes at once. */
    public static final int FIELD_CREDIT = 0x04;

    /** Field type of the ticket a broker puts in a credited worker's REQUEST and the worker echoes in its REPLY. */
    public static final int FIELD_TICKET = 0x05;

    /** Largest credit a worker can offer. */
    public static final int MAX_CREDIT = 0xffff;

    /** Longest request id accepted. */
    public static final int MAX_REQUEST_ID_LENGTH = 32;

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
     * Builds a PX frame.
     * @param requestId the request id, or {@code null} for none
     * @param deadlineMillis the milliseconds the caller still waits, or a negative number for no deadline
     * @return the frame
     */
    public static byte[] pxFrame(byte[] requestId, long deadlineMillis) {
        return pxFrame(requestId, deadlineMillis, -1, null);
    }

    /**
     * Builds a PX frame for a broker's REQUEST to a worker.
     * @param requestId the request id, or {@code null} for none
     * @param deadlineMillis the milliseconds the caller still waits, or a negative number for no deadline
     * @param ticket the ticket (section 5.1), an unsigned 32-bit value, or a negative number for none
     * @return the frame
     */
    public static byte[] pxFrame(byte[] requestId, long deadlineMillis, long ticket) {
        return pxFrame(requestId, deadlineMillis, ticket, null);
    }

    /**
     * Builds a PX frame with a trace context.
     * @param requestId the request id, or {@code null} for none
     * @param deadlineMillis the milliseconds the caller still waits, or a negative number for no deadline
     * @param traceContext a trace context for which {@link #isValidTraceContext(byte[])} holds, or
     *        {@code null} for none
     * @return the frame
     */
    public static byte[] pxFrame(byte[] requestId, long deadlineMillis, byte[] traceContext) {
        return pxFrame(requestId, deadlineMillis, -1, traceContext);
    }

    /**
     * Builds a PX frame with every field PX/1 defines.
     * @param requestId the request id, or {@code null} for none
     * @param deadlineMillis the milliseconds the caller still waits, or a negative number for no deadline
     * @param ticket the ticket (section 5.1), an unsigned 32-bit value, or a negative number for none
     * @param traceContext a trace context for which {@link #isValidTraceContext(byte[])} holds, or
     *        {@code null} for none
     * @return the frame
     */
    public static byte[] pxFrame(byte[] requestId, long deadlineMillis, long ticket, byte[] traceContext) {
        int length = 4 + ((requestId != null) ? 2 + requestId.length : 0) + ((deadlineMillis >= 0) ? 6 : 0)
                + ((ticket >= 0) ? 6 : 0) + ((traceContext != null) ? 2 + traceContext.length : 0);
        byte[] frame = Arrays.copyOf(PX_FRAME, length);
        if (traceContext != null) {
            // Last, so the fields before it sit where they always did.
            int at = length - traceContext.length;
            frame[at - 2] = FIELD_TRACE_CONTEXT;
            frame[at - 1] = (byte) traceContext.length;
            System.arraycopy(traceContext, 0, frame, at, traceContext.length);
        }
        int i = 4;
        if (requestId != null) {
            frame[i++] = FIELD_REQUEST_ID;
            frame[i++] = (byte) requestId.length;
            System.arraycopy(requestId, 0, frame, i, requestId.length);
            i += requestId.length;
        }
        if (deadlineMillis >= 0) {
            i = putUnsigned32(frame, i, FIELD_DEADLINE, Math.min(deadlineMillis, 0xffff_ffffL));
        }
        if (ticket >= 0) {
            putUnsigned32(frame, i, FIELD_TICKET, ticket);
        }
        return frame;
    }

    /**
     * Builds the PX frame of a worker's READY.
     * @param credit the requests the worker takes at once, 1 to {@value #MAX_CREDIT}; 1 sends no credit field
     * @return the frame
     */
    public static byte[] readyFrame(int credit) {
        if (credit < 1 || credit > MAX_CREDIT) {
            throw new IllegalArgumentException("credit must be 1 to " + MAX_CREDIT + ": " + credit);
        }
        if (credit == 1) {
            return PX_FRAME.clone();
        }
        byte[] frame = Arrays.copyOf(PX_FRAME, 8);
        frame[4] = FIELD_CREDIT;
        frame[5] = 2;
        frame[6] = (byte) (credit >>> 8);
        frame[7] = (byte) credit;
        return frame;
    }

    /**
     * Builds the PX frame of a worker's REPLY to a request that carried a ticket.
     * @param ticket the request's ticket
     * @return the frame
     */
    public static byte[] replyFrame(long ticket) {
        return pxFrame(null, -1, ticket);
    }

    private static int putUnsigned32(byte[] frame, int at, int type, long value) {
        frame[at] = (byte) type;
        frame[at + 1] = 4;
        frame[at + 2] = (byte) (value >>> 24);
        frame[at + 3] = (byte) (value >>> 16);
        frame[at + 4] = (byte) (value >>> 8);
        frame[at + 5] = (byte) value;
        return at + 6;
    }

    /**
     * Returns the request id of a well-formed PX frame.
     * @param frame a frame for which {@link #isWellFormed(byte[])} is {@code true}
     * @return a copy of the id, or {@code null} if the frame has none or one of a length outside 1 to
     *         {@value #MAX_REQUEST_ID_LENGTH}
     */
    public static byte[] requestId(byte[] frame) {
        int at = field(frame, FIELD_REQUEST_ID);
        if (at < 0) {
            return null;
        }
        int length = frame[at - 1] & 0xff;
        return (length == 0 || length > MAX_REQUEST_ID_LENGTH) ? null : Arrays.copyOfRange(frame, at, at + length);
    }

    /**
     * Returns the deadline of a well-formed PX frame.
     * @param frame a frame for which {@link #isWellFormed(byte[])} is {@code true}
     * @return the milliseconds the caller still waits, or {@code -1} if the frame has no (valid) deadline
     */
    public static long deadlineMillis(byte[] frame) {
        return unsigned32(frame, FIELD_DEADLINE);
    }

    /**
     * Returns the ticket of a well-formed PX frame (section 5.1).
     * @param frame a frame for which {@link #isWellFormed(byte[])} is {@code true}
     * @return the ticket, an unsigned 32-bit value, or {@code -1} if the frame has no (valid) ticket
     */
    public static long ticket(byte[] frame) {
        return unsigned32(frame, FIELD_TICKET);
    }

    /**
     * Returns the credit a worker offers in the PX frame of its READY (section 5.1).
     * @param frame a frame for which {@link #isWellFormed(byte[])} is {@code true}
     * @return 1 to {@value #MAX_CREDIT}, or 0 if the frame has no valid credit field (the worker offers
     *         no credit and expects no tickets)
     */
    public static int credit(byte[] frame) {
        int at = field(frame, FIELD_CREDIT);
        if (at < 0 || (frame[at - 1] & 0xff) != 2) {
            return 0;
        }
        int credit = ((frame[at] & 0xff) << 8) | (frame[at + 1] & 0xff);
        return Math.max(1, credit);
    }

    private static long unsigned32(byte[] frame, int type) {
        int at = field(frame, type);
        if (at < 0 || (frame[at - 1] & 0xff) != 4) {
            return -1;
        }
        return ((frame[at] & 0xffL) << 24) | ((frame[at + 1] & 0xffL) << 16) | ((frame[at + 2] & 0xffL) << 8)
                | (frame[at + 3] & 0xffL);
    }

    /**
     * Returns the trace context of a well-formed PX frame.
     * @param frame a frame for which {@link #isWellFormed(byte[])} is {@code true}
     * @return a copy of the trace context, or {@code null} if the frame has none or an invalid one
     *         (see {@link #isValidTraceContext(byte[])}), which is ignored
     */
    public static byte[] traceContext(byte[] frame) {
        int at = field(frame, FIELD_TRACE_CONTEXT);
        if (at < 0) {
            return null;
        }
        byte[] value = Arrays.copyOfRange(frame, at, at + (frame[at - 1] & 0xff));
        return isValidTraceContext(value) ? value : null;
    }

    /**
     * Tells whether a trace context may travel in a PX frame: 1 to {@value #MAX_TRACE_CONTEXT_LENGTH}
     * octets of printable ASCII without spaces.
     * @param value the trace context
     * @return {@code true} if valid
     */
    public static boolean isValidTraceContext(byte[] value) {
        if (value == null || value.length == 0 || value.length > MAX_TRACE_CONTEXT_LENGTH) {
            return false;
        }
        for (byte b : value) {
            if (b < 0x21 || b > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** Returns where the value of the first field of a type starts, or -1. */
    private static int field(byte[] frame, int type) {
        int i = 4;
        while (i + 2 <= frame.length) {
            int length = frame[i + 1] & 0xff;
            if ((frame[i] & 0xff) == type) {
                return i + 2;
            }
            i += 2 + length;
        }
        return -1;
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
