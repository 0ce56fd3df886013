package dev.pirate.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.pirate.support.InboundBudget;
import zmq.Msg;

/**
 * What the inbound budget adds to every frame a broker receives over TCP: the frames of one client
 * request (empty delimiter, {@code MDPC01}, service, a 16-byte body; the routing id is made by the
 * ROUTER, not decoded) charged as ZeroMQ's I/O thread decodes them and refunded as the broker reads
 * them, against JeroMQ's own allocation of the same frames. One thread does both halves here; on a
 * socket they are two threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InboundBudgetBenchmark {

    private static final int[] REQUEST_FRAME_SIZES = { 0, 6, 4, 16 };

    private final InboundBudget budget = new InboundBudget(64L * 1024 * 1024, 1024 * 1024);

    private final Msg[] frames = new Msg[REQUEST_FRAME_SIZES.length];

    @Benchmark
    public long chargedAndRefunded() {
        for (int i = 0; i < REQUEST_FRAME_SIZES.length; i++) {
            this.frames[i] = this.budget.allocate(REQUEST_FRAME_SIZES[i]);
        }
        long size = 0;
        for (Msg frame : this.frames) {
            size += frame.size();
            InboundBudget.release(frame);
        }
        return size;
    }

    @Benchmark
    public long plainJeroMq() {
        for (int i = 0; i < REQUEST_FRAME_SIZES.length; i++) {
            this.frames[i] = new Msg(REQUEST_FRAME_SIZES[i]);
        }
        long size = 0;
        for (Msg frame : this.frames) {
            size += frame.size();
        }
        return size;
    }
}
