package dev.pirate.support;

import java.util.Arrays;
import java.util.HexFormat;

import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import zmq.Msg;
import zmq.io.Metadata;
import zmq.ZError;

/**
 * A reusable buffer that receives one multipart message from a socket, so an event loop does not
 * allocate a list per message.
 * <p>
 * A message larger than the size limit, or with more frames than the frame limit, is still read to
 * its end (ZeroMQ delivers messages whole) but only its first {@value #HEAD_FRAMES} frames (and a
 * short one after them) are kept:
 * {@link #isOversized()} then tells the caller to drop it, and the head still says who sent what,
 * so the caller can answer it. Not thread-safe: one buffer belongs to one loop.
 */
public final class FrameBuffer {

    /**
     * Frames kept of a message over the limits: enough for any MDP header and its envelope. One more
     * is kept if it is no longer than a PX frame, which then names the request a reply answers.
     */
    public static final int HEAD_FRAMES = 6;

    private static final int SMALL_FRAME_AFTER_HEAD = 255;

    private static final HexFormat HEX = HexFormat.of();

    private final long maxBytes;

    private final int maxFrames;

    private byte[][] frames = new byte[16][];

    private int count;

    private long bytes;

    private boolean oversized;

    private boolean overBudget;

    private boolean headComplete;

    /** The sender's authenticated identity (CURVE public key), or {@code null}. */
    private String userId;

    /** Whether a frame of the last message carried connection metadata, which only TCP and IPC do. */
    private boolean metadataSeen;

    /**
     * Creates a buffer.
     * @param maxBytes the largest message, all frames together, that is kept
     * @param maxFrames the most frames a kept message may have
     */
    public FrameBuffer(long maxBytes, int maxFrames) {
        this.maxBytes = maxBytes;
        this.maxFrames = maxFrames;
    }

    /**
     * Receives the next message, waiting at most the socket's receive timeout for its first frame.
     * @param socket the socket to read from, owned by the calling thread
     * @return {@code false} if no message arrived in time
     */
    public boolean receive(ZMQ.Socket socket) {
        return receive(socket, 0);
    }

    /**
     * Receives the next message if one is already waiting, without blocking.
     * @param socket the socket to read from, owned by the calling thread
     * @return {@code false} if no message was waiting
     */
    public boolean receiveNow(ZMQ.Socket socket) {
        return receive(socket, ZMQ.DONTWAIT);
    }

    private boolean receive(ZMQ.Socket socket, int flags) {
        Msg first = next(socket, flags);
        if (first == null) {
            return false;
        }
        clear();
        Msg frame = first;
        add(frame);
        while (frame.hasMore()) {
            frame = next(socket, 0);
            add(frame);
        }
        return true;
    }

    /** Reads one frame as ZeroMQ's own message, so its {@link InboundBudget} charge can be returned. */
    private static Msg next(ZMQ.Socket socket, int flags) {
        Msg frame = socket.base().recv(flags);
        if (frame == null) {
            int errno = socket.base().errno();
            if (errno != 0 && errno != ZError.EAGAIN) {
                throw new ZMQException(errno);
            }
        }
        return frame;
    }

    private void add(Msg frame) {
        if (this.userId == null) {
            // A ROUTER's routing-id frame carries no metadata; the sender's frames after it do.
            Metadata metadata = frame.getMetadata();
            if (metadata != null) {
                this.metadataSeen = true;
                this.userId = metadata.get(Metadata.USER_ID);
            }
        }
        this.bytes += frame.size();
        if (!InboundBudget.release(frame)) {
            // Decoded past the socket's budget: no data, and the head ends here.
            this.overBudget = true;
            this.oversized = true;
            this.headComplete = true;
            return;
        }
        if (!this.oversized && (this.count == this.maxFrames || this.bytes > this.maxBytes)) {
            this.oversized = true;
        }
        if (this.oversized && (this.headComplete || this.count >= HEAD_FRAMES)) {
            if (!this.headComplete && this.count == HEAD_FRAMES && frame.size() <= SMALL_FRAME_AFTER_HEAD) {
                // A PX frame after a REPLY's header names the request the reply answers (PX/1 5.1).
                store(frame.data());
            }
            this.headComplete = true;
            return;
        }
        store(frame.data());
    }

    private void store(byte[] frame) {
        if (this.count == this.frames.length) {
            this.frames = Arrays.copyOf(this.frames, this.count * 2);
        }
        this.frames[this.count++] = frame;
    }

    private void clear() {
        Arrays.fill(this.frames, 0, this.count, null);
        this.count = 0;
        this.bytes = 0;
        this.oversized = false;
        this.overBudget = false;
        this.headComplete = false;
        this.userId = null;
        this.metadataSeen = false;
    }

    /**
     * Returns the number of frames kept.
     * @return the frame count of the last message
     */
    public int size() {
        return this.count;
    }

    /**
     * Returns a frame of the last message.
     * @param index the frame index
     * @return the frame
     */
    public byte[] get(int index) {
        if (index >= this.count) {
            throw new IndexOutOfBoundsException(index);
        }
        return this.frames[index];
    }

    /**
     * Copies frames {@code from} to the end into a new array that the caller may keep.
     * @param from the first frame to copy
     * @return the copied frame references
     */
    public byte[][] copyFrom(int from) {
        return Arrays.copyOfRange(this.frames, from, this.count);
    }

    /**
     * Returns the identity the sender of the last message was authenticated with: with CURVE and a
     * ZAP handler, its public key in Z85.
     * @return the {@code User-Id} of the connection, or {@code null} without authentication
     */
    public String userId() {
        return this.userId;
    }

    /**
     * Tells whether the last message came over {@code inproc://}, from the receiving socket's own
     * process: ZeroMQ attaches connection metadata (socket type, peer address, {@code User-Id}) to
     * every message that came through a network engine, and none to one that came through an
     * in-process pipe.
     * @return {@code true} when no frame of the message carried metadata
     */
    public boolean isInProcess() {
        return !this.metadataSeen;
    }

    /**
     * Tells whether the last message was over the size or frame limit; only its head was kept.
     * @return {@code true} if the message must be dropped
     */
    public boolean isOversized() {
        return this.oversized;
    }

    /**
     * Tells whether the last message lost frames to its socket's {@link InboundBudget}: the broker
     * was holding too much unread input when it arrived. Such a message is also
     * {@link #isOversized() oversized}, and its head ends before the first lost frame.
     * @return {@code true} if the message must be dropped for want of room rather than for its size
     */
    public boolean isOverBudget() {
        return this.overBudget;
    }

    /**
     * Sends frames {@code from} to the end as the rest of a multipart message.
     * @param socket the socket, owned by the calling thread
     * @param from the first frame to send
     * @return {@code false} if the socket could not take them
     */
    public boolean sendFrom(ZMQ.Socket socket, int from) {
        for (int i = from; i < this.count; i++) {
            if (!socket.send(this.frames[i], i < this.count - 1 ? ZMQ.SNDMORE : 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sends frames {@code from} to the end without ever blocking the calling loop: the first frame
     * goes with {@code DONTWAIT}, so a full pipe (EAGAIN) or, with ROUTER_MANDATORY, a peer that is
     * gone (EHOSTUNREACH) skips the message. Once the first frame is accepted the rest cannot block.
     * @param socket the socket, owned by the calling thread
     * @param from the first frame to send
     * @return {@code false} if the message was skipped
     */
    public boolean sendFromNow(ZMQ.Socket socket, int from) {
        try {
            if (!socket.send(this.frames[from], (from < this.count - 1) ? (ZMQ.SNDMORE | ZMQ.DONTWAIT) : ZMQ.DONTWAIT)) {
                return false;
            }
        }
        catch (org.zeromq.ZMQException ex) {
            return false;
        }
        return sendFrom(socket, from + 1);
    }

    /**
     * Renders a peer identity for logs.
     * @param identity a routing id
     * @return the identity in hexadecimal
     */
    public static String hex(byte[] identity) {
        return identity == null ? "?" : HEX.formatHex(identity);
    }
}
