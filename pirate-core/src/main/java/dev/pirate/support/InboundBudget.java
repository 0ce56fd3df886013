package dev.pirate.support;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
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
 * that is never read (its peer left first) is refunded once it has been garbage collected, by the
 * owner's next read: no thread of its own.
 */
public final class InboundBudget implements MsgAllocator {

    /** What a frame costs beyond its bytes: the message object, its buffer and the pipe's slot. */
    static final int FRAME_OVERHEAD_BYTES = 96;

    private static final int SMALL_FRAME_BYTES = 255;

    private final long limitBytes;

    private final long smallFrameLimitBytes;

    private final int maxFrameBytes;

    private final AtomicLong reserved = new AtomicLong();

    private final AtomicLong framesDiscarded = new AtomicLong();

    /**
     * Charges of frames not yet read, linked through the charges themselves (the list keeps them
     * reachable, as a phantom reference must be to be enqueued); a charge leaves exactly once, read
     * or collected. An intrusive list, not a concurrent set: adding and removing a charge allocates
     * nothing and hashes nothing, and this runs for every frame the socket receives.
     */
    private final Refund outstanding = Refund.sentinel();

    private final ReferenceQueue<Msg> collected = new ReferenceQueue<>();

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
            Frame frame = new Frame(size, this);
            frame.refund = new Refund(frame, charge, this.collected);
            link(frame.refund);
            return frame;
        }
        this.reserved.addAndGet(-charge);
        this.framesDiscarded.incrementAndGet();
        return new Discarded(scratch(size), this);
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
     * Returns how many frames are charged and neither read nor collected yet.
     * @return the length of the outstanding list
     */
    int outstandingFrames() {
        synchronized (this.outstanding) {
            int count = 0;
            for (Refund refund = this.outstanding.next; refund != this.outstanding; refund = refund.next) {
                count++;
            }
            return count;
        }
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
    public static boolean release(Msg frame) {
        if (frame instanceof Frame budgeted) {
            budgeted.budget.settle(budgeted.refund);
            return true;
        }
        if (frame instanceof Discarded discarded) {
            discarded.budget.reclaimCollected();
            return false;
        }
        return true;
    }

    private void settle(Refund refund) {
        if (unlink(refund)) {
            this.reserved.addAndGet(-refund.charge);
        }
        // No clear(): out of the list, the charge is reachable only through its frame and dies with
        // it, and a phantom reference that is itself unreachable is never enqueued. (clear() is a
        // native call on Java 17, per frame.)
        reclaimCollected();
    }

    /** Refunds frames that were never read and have been garbage collected (their peer left first). */
    private void reclaimCollected() {
        Reference<? extends Msg> gone;
        while ((gone = this.collected.poll()) != null) {
            Refund refund = (Refund) gone;
            if (unlink(refund)) {
                this.reserved.addAndGet(-refund.charge);
            }
        }
    }

    // The I/O thread links and the owner's thread unlinks: a lock, held for a few field writes, is
    // cheaper here than any lock-free structure that allows removal from the middle.
    private void link(Refund refund) {
        synchronized (this.outstanding) {
            Refund last = this.outstanding.previous;
            refund.previous = last;
            refund.next = this.outstanding;
            last.next = refund;
            this.outstanding.previous = refund;
        }
    }

    /** Takes a charge out of the list; {@code false} if it was out already (read twice, or read and collected). */
    private boolean unlink(Refund refund) {
        synchronized (this.outstanding) {
            Refund before = refund.previous;
            if (before == null) {
                return false;
            }
            Refund after = refund.next;
            before.next = after;
            after.previous = before;
            refund.previous = null;
            refund.next = null;
            return true;
        }
    }

    /** A frame within the budget; its charge comes back once, when read or when collected. */
    private static final class Frame extends Msg {

        private final InboundBudget budget;

        private Refund refund;

        Frame(int size, InboundBudget budget) {
            super(size);
            this.budget = budget;
        }
    }

    /** A frame past the budget: decoded into the scratch buffer, its bytes meaningless. */
    private static final class Discarded extends Msg {

        private final InboundBudget budget;

        Discarded(ByteBuffer scratch, InboundBudget budget) {
            super(scratch);
            this.budget = budget;
        }
    }

    /**
     * A frame's charge, enqueued by the garbage collector if the frame is dropped unread; while
     * outstanding, a link of the budget's list (both links {@code null} once out of it).
     */
    private static final class Refund extends PhantomReference<Msg> {

        private final long charge;

        private Refund previous;

        private Refund next;

        Refund(Msg frame, long charge, ReferenceQueue<Msg> queue) {
            super(frame, queue);
            this.charge = charge;
        }

        /** The list's head: refers to no frame, and an empty list links it to itself. */
        static Refund sentinel() {
            Refund head = new Refund(null, 0, null);
            head.previous = head;
            head.next = head;
            return head;
        }
    }
}
