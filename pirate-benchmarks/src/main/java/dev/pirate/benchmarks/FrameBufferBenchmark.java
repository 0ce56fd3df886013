package dev.pirate.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.pirate.protocol.Mdp;
import dev.pirate.support.FrameBuffer;

/**
 * The frame codec on the broker's receive path: a client request as the broker's ROUTER sees it
 * (identity, empty delimiter, {@code MDPC01}, service, body) sent and received over {@code inproc://}
 * on one thread, into a reused {@link FrameBuffer} against JeroMQ's own {@link ZMsg}; and the copy
 * of the body the broker keeps for each queued request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameBufferBenchmark {

    private static final byte[] IDENTITY = { 0, 0x6b, (byte) 0x8b, 0x45, 0x67 };

    private static final byte[] SERVICE = "echo".getBytes(StandardCharsets.US_ASCII);

    @Param({ "16", "1024" })
    private int size;

    private ZContext context;

    private ZMQ.Socket sender;

    private ZMQ.Socket receiver;

    private byte[][] request;

    private final FrameBuffer frames = new FrameBuffer(1024 * 1024, 1024);

    private final FrameBuffer received = new FrameBuffer(1024 * 1024, 1024);

    @Setup
    public void connect() {
        this.context = new ZContext(1);
        this.sender = this.context.createSocket(SocketType.PAIR);
        this.sender.bind("inproc://frame-buffer-benchmark");
        this.receiver = this.context.createSocket(SocketType.PAIR);
        this.receiver.connect("inproc://frame-buffer-benchmark");
        this.request = new byte[][] { IDENTITY, Mdp.EMPTY, Mdp.CLIENT_HEADER, SERVICE, new byte[this.size] };
        send();
        this.received.receive(this.receiver);
    }

    @TearDown
    public void close() {
        this.context.close();
    }

    private void send() {
        int last = this.request.length - 1;
        for (int i = 0; i <= last; i++) {
            this.sender.send(this.request[i], (i < last) ? ZMQ.SNDMORE : 0);
        }
    }

    /** The broker's way: frames land in one reused buffer, no list or frame objects per message. */
    @Benchmark
    public FrameBuffer sendAndReceiveIntoFrameBuffer() {
        send();
        this.frames.receiveNow(this.receiver);
        return this.frames;
    }

    /** The baseline: JeroMQ's message object, a deque of frame objects per message. */
    @Benchmark
    public ZMsg sendAndReceiveAsZMsg() {
        send();
        return ZMsg.recvMsg(this.receiver, ZMQ.DONTWAIT);
    }

    /** What the broker copies to queue a request: the references to the body frames. */
    @Benchmark
    public byte[][] copyBody() {
        return this.received.copyFrom(4);
    }
}
