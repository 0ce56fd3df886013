package dev.pirate.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import zmq.Msg;

/**
 * Tests for {@link InboundBudget}: what it hands out, what it refuses, and that every charge comes
 * back exactly once.
 */
@Timeout(30)
class InboundBudgetTest {

    private static final int MIB = 1024 * 1024;

    @Test
    void framesPastTheBudgetKeepNothingAndAreReportedAsDiscarded() {
        InboundBudget budget = new InboundBudget(4 * MIB, MIB);
        List<Msg> kept = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            kept.add(budget.allocate(MIB));
        }
        Msg past = budget.allocate(MIB);
        assertThat(kept).allSatisfy((frame) -> assertThat(InboundBudget.release(frame)).isTrue());
        assertThat(InboundBudget.release(past)).as("decoded into scratch: no data").isFalse();
        assertThat(budget.framesDiscarded()).isEqualTo(1);
        assertThat(budget.reservedBytes()).as("every read frame refunded").isZero();
    }

    @Test
    void smallFramesGetAnEighthMoreSoAMessageHeadSurvives() {
        InboundBudget budget = new InboundBudget(MIB, MIB);
        Msg big = budget.allocate(MIB - 200);
        Msg header = budget.allocate(6);
        assertThat(InboundBudget.release(header)).isTrue();
        assertThat(InboundBudget.release(big)).isTrue();
        assertThat(budget.framesDiscarded()).isZero();
    }

    @Test
    void aFrameReadTwiceIsRefundedOnce() {
        InboundBudget budget = new InboundBudget(4 * MIB, MIB);
        Msg first = budget.allocate(1000);
        Msg second = budget.allocate(1000);
        InboundBudget.release(first);
        InboundBudget.release(first);
        assertThat(budget.reservedBytes()).isEqualTo(1000 + InboundBudget.FRAME_OVERHEAD_BYTES);
        InboundBudget.release(second);
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void aFrameNeverReadIsRefundedOnceCollected() {
        InboundBudget budget = new InboundBudget(4 * MIB, MIB);
        allocateAndDrop(budget);
        assertThat(budget.reservedBytes()).isPositive();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            System.gc();
            // The owner's next read settles what the collector found.
            InboundBudget.release(budget.allocate(10));
            return budget.reservedBytes() == 0;
        });
    }

    @Test
    void framesReadInAnyOrderAreEachRefundedAndLeaveNothingOutstanding() {
        InboundBudget budget = new InboundBudget(64 * MIB, MIB);
        List<Msg> frames = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            frames.add(budget.allocate(i % 300));
        }
        assertThat(budget.outstandingFrames()).isEqualTo(1000);
        Collections.shuffle(frames, new Random(42));
        for (Msg frame : frames.subList(0, 500)) {
            InboundBudget.release(frame);
        }
        assertThat(budget.outstandingFrames()).isEqualTo(500);
        frames.forEach(InboundBudget::release);
        assertThat(budget.outstandingFrames()).isZero();
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void framesChargedOnOneThreadAndReadOnAnotherAreAllRefunded() throws Exception {
        // As on a socket: ZeroMQ's I/O thread allocates, the socket's owner reads.
        InboundBudget budget = new InboundBudget(64 * MIB, MIB);
        BlockingQueue<Msg> pipe = new ArrayBlockingQueue<>(1000);
        int frames = 200_000;
        Thread io = new Thread(() -> {
            for (int i = 0; i < frames; i++) {
                try {
                    pipe.put(budget.allocate(i % 64));
                }
                catch (InterruptedException ex) {
                    return;
                }
            }
        }, "budget-test-io");
        io.start();
        int read = 0;
        while (read < frames) {
            Msg frame = pipe.poll(10, TimeUnit.SECONDS);
            assertThat(frame).as("frame %d", read).isNotNull();
            assertThat(InboundBudget.release(frame)).isTrue();
            read++;
        }
        io.join(10_000);
        assertThat(budget.outstandingFrames()).isZero();
        assertThat(budget.reservedBytes()).isZero();
    }

    private static void allocateAndDrop(InboundBudget budget) {
        budget.allocate(MIB);
    }
}
