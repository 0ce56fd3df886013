package dev.pirate.support;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import zmq.Msg;
import zmq.msg.MsgAllocator;

/**
 * A bound on the bytes ZeroMQ holds for one socket's incoming messages before the socket's owner
 * reads them.
 * <p>
 * JeroMQ assembles a multipart message in its pipe before the application sees any of it, and its
 * only limit, {@code MAXMSGSIZE}, is per frame: 200 frames of 1 MiB each are one 200 MiB message that
 * a per-frame limit of 1 MiB lets through. This allocator, installed on the socket
 * ({@code setMsgAllocator}, before bind or connect), is asked for every frame the socket's I/O thread
 * decodes. It charges the frame against the budget and hands out a real buffer while the budget
 * lasts; past it, the frame is decoded into a shared scratch buffer and nothing is kept. Small
 * frames (routing ids, headers, service names) get a further eighth of the budget, so the head of a
 * message, which tells who sent it, usually survives.
 * <p>
 * {@link FrameBuffer} returns a frame's charge as soon as the owner reads it, and marks a message
 * that lost a frame as over budget, so the owner drops it and can tell its sender why. A frame
 * that is never read (its peer left first) is refunded when it is garbage collected.
 */
public final class InboundBudget implements MsgAllocator {

    /** What a frame costs beyond its bytes: the message object, its buffer and the pipe's slot. */
    static final int FRAME_OVERHEAD_BYTES = 96;

    private static final int SMALL_FRAME_BYTES = 255;

    private static final Cleaner refunds = Cleaner.create((runnable) -> {
        Thread thread = new Thread(runnable, "pirate-inbound-refunds");
        thread.setDaemon(true);
        return thread;
    });

    private final long limitBytes;

    private final long smallFrameLimitBytes;

    private final int maxFrameBytes;

    private final AtomicLong reserved = new AtomicLong();

    private final AtomicLong framesDiscarded = new AtomicLong();

    private volatile ByteBuffer scratch;

    /**
     * Creates a budget.
     * @param limitBytes the bytes of unread frames the socket may hold
     * @param maxFrameBytes the socket's {@code MAXMSGSIZE}: no frame is larger
     */
    public InboundBudget(long limitBytes, int maxFrameBytes) {
        this.limitBytes = limitBytes;
        this.smallFrameLimitBytes = limitBytes + limitBytes / 8;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Called by the socket's I/O thread for every frame it decodes.
     * @param size the frame's size
     * @return a frame to decode into
     */
    @Override
    public Msg allocate(int size) {
        long charge = (long) size + FRAME_OVERHEAD_BYTES;
        long total = this.reserved.addAndGet(charge);
        if (total <= this.limitBytes || (size <= SMALL_FRAME_BYTES && total <= this.smallFrameLimitBytes)) {
            return new Frame(size, charge, this.reserved);
        }
        this.reserved.addAndGet(-charge);
        this.framesDiscarded.incrementAndGet();
        return new Discarded(scratch(size));
    }

    private ByteBuffer scratch(int size) {
        ByteBuffer shared = this.scratch;
        if (shared == null) {
            // One buffer for every frame past the budget: their bytes are never read, so they may
            // overwrite each other, and nothing past the budget is allocated per frame.
            shared = ByteBuffer.allocateDirect(Math.max(this.maxFrameBytes, SMALL_FRAME_BYTES + 1));
            this.scratch = shared;
        }
        return shared.duplicate().clear().limit(Math.min(size, shared.capacity()));
    }

    /**
     * Returns the bytes charged for frames decoded and not yet read or collected.
     * @return the bytes held now
     */
    public long reservedBytes() {
        return this.reserved.get();
    }

    /**
     * Returns how many frames were decoded past the budget and dropped.
     * @return the count since the budget was made
     */
    public long framesDiscarded() {
        return this.framesDiscarded.get();
    }

    /**
     * Returns the charge of a frame read by the socket's owner to the budget it came from.
     * @param frame a received frame
     * @return {@code false} if the frame was decoded past its budget and holds no data
     */
    static boolean release(Msg frame) {
        if (frame instanceof Frame budgeted) {
            budgeted.refund.clean();
            return true;
        }
        return !(frame instanceof Discarded);
    }

    /** A frame within the budget; its charge comes back once, when read or when collected. */
    private static final class Frame extends Msg {

        private final Cleaner.Cleanable refund;

        Frame(int size, long charge, AtomicLong reserved) {
            super(size);
            this.refund = refunds.register(this, new Refund(reserved, charge));
        }
    }

    /** A frame past the budget: decoded into the scratch buffer, its bytes meaningless. */
    private static final class Discarded extends Msg {

        Discarded(ByteBuffer scratch) {
            super(scratch);
        }
    }

    private record Refund(AtomicLong reserved, long charge) implements Runnable {

        @Override
        public void run() {
            this.reserved.addAndGet(-this.charge);
        }
    }
}
