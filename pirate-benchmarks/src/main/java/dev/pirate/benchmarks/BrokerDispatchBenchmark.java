package dev.pirate.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.MdpCommand;
import dev.pirate.support.FrameBuffer;
import dev.pirate.support.Sockets;

/**
 * One request's trip through a {@link MajordomoBroker} on loopback TCP: client to broker to worker
 * and back. The client and the workers are bare DEALER sockets driven by the benchmark's own
 * thread, so no handler or client engine is timed: the figure is the broker's receive, dispatch
 * and send, plus two loopback hops each way. {@link #loopbackHop} times one hop each way with no
 * broker, for scale.
 * <p>
 * {@code services} sets how many services the broker knows (the others hold a queued request and
 * no worker), to show whether dispatch cost grows with them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BrokerDispatchBenchmark {

    private static final int PIPELINE = 16;

    private static final byte[] SERVICE = "echo".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] BODY = new byte[16];

    /** A synchronous request: one in flight, one worker. */
    @Benchmark
    public byte[] roundTrip(OneWorker broker) {
        broker.sendRequests(1);
        broker.serve(0);
        return broker.receiveReply();
    }

    /** Sixteen requests in flight to sixteen workers; the time is per request. */
    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public byte[] pipelined(SixteenWorkers broker) {
        broker.sendRequests(PIPELINE);
        for (int i = 0; i < PIPELINE; i++) {
            broker.serve(i);
        }
        byte[] last = null;
        for (int i = 0; i < PIPELINE; i++) {
            last = broker.receiveReply();
        }
        return last;
    }

    /** The same message size over one loopback hop each way, DEALER to ROUTER and back, no broker. */
    @Benchmark
    public byte[] loopbackHop(Hop hop) {
        return hop.roundTrip();
    }

    /** A broker with a client and {@code workers} registered workers for {@code echo}. */
    @State(Scope.Thread)
    public abstract static class Fixture {

        @Param({ "1", "1000" })
        private int services;

        private final int workerCount;

        private final FrameBuffer frames = new FrameBuffer(1024 * 1024, 1024);

        private MajordomoBroker broker;

        private ZContext context;

        private ZMQ.Socket client;

        private ZMQ.Socket[] workers;

        Fixture(int workerCount) {
            this.workerCount = workerCount;
        }

        @Setup
        public void start() {
            // No heartbeats or expiry during a run: the bare workers neither send nor expect them.
            this.broker = MajordomoBroker.builder()
                .bind("tcp://127.0.0.1:*")
                .heartbeatInterval(Duration.ofHours(1))
                .requestExpiry(Duration.ofHours(1))
                .build();
            this.broker.start();
            this.context = new ZContext(1);
            this.client = connect();
            this.workers = new ZMQ.Socket[this.workerCount];
            for (int i = 0; i < this.workerCount; i++) {
                this.workers[i] = connect();
                send(this.workers[i], Mdp.EMPTY, Mdp.WORKER_HEADER, MdpCommand.READY.frame(), SERVICE);
            }
            for (int i = 1; i < this.services; i++) {
                send(this.client, Mdp.EMPTY, Mdp.CLIENT_HEADER, ("idle-" + i).getBytes(StandardCharsets.US_ASCII),
                        BODY);
            }
            awaitBroker();
        }

        private void awaitBroker() {
            BareMdp.await(this.broker,
                    (s) -> s.workers() >= this.workerCount && s.services().size() >= this.services,
                    Duration.ofSeconds(30), this.workerCount + " workers and " + this.services + " services",
                    () -> true);
        }

        private ZMQ.Socket connect() {
            return BareMdp.dealer(this.context, this.broker.connectEndpoint());
        }

        void sendRequests(int count) {
            for (int i = 0; i < count; i++) {
                send(this.client, Mdp.EMPTY, Mdp.CLIENT_HEADER, SERVICE, BODY);
            }
        }

        /** Receives the request waiting for a worker and sends its reply: the worker's whole job. */
        void serve(int worker) {
            ZMQ.Socket socket = this.workers[worker];
            if (!this.frames.receive(socket)) {
                throw new IllegalStateException("No request reached worker " + worker);
            }
            // REQUEST frames: empty, MDPW01, 0x02, client, empty, body.
            send(socket, Mdp.EMPTY, Mdp.WORKER_HEADER, MdpCommand.REPLY.frame(), this.frames.get(3), Mdp.EMPTY,
                    this.frames.get(5));
        }

        byte[] receiveReply() {
            if (!this.frames.receive(this.client)) {
                throw new IllegalStateException("No reply reached the client");
            }
            return this.frames.get(3);
        }

        @TearDown
        public void stop() {
            this.context.close();
            this.broker.close();
        }
    }

    /** A broker with one worker. */
    @State(Scope.Thread)
    public static class OneWorker extends Fixture {

        public OneWorker() {
            super(1);
        }
    }

    /** A broker with sixteen workers. */
    @State(Scope.Thread)
    public static class SixteenWorkers extends Fixture {

        public SixteenWorkers() {
            super(PIPELINE);
        }
    }

    /** A DEALER and a ROUTER echoing for it, both on the benchmark's thread. */
    @State(Scope.Thread)
    public static class Hop {

        private final FrameBuffer frames = new FrameBuffer(1024 * 1024, 1024);

        private ZContext context;

        private ZMQ.Socket dealer;

        private ZMQ.Socket router;

        @Setup
        public void connect() {
            this.context = new ZContext(1);
            this.router = Sockets.create(this.context, SocketType.ROUTER);
            this.router.setReceiveTimeOut(BareMdp.RECEIVE_TIMEOUT_MILLIS);
            this.router.bind("tcp://127.0.0.1:*");
            this.dealer = BareMdp.dealer(this.context, this.router.getLastEndpoint());
        }

        byte[] roundTrip() {
            send(this.dealer, Mdp.EMPTY, Mdp.CLIENT_HEADER, SERVICE, BODY);
            this.frames.receive(this.router);
            this.frames.sendFrom(this.router, 0);
            this.frames.receive(this.dealer);
            return this.frames.get(3);
        }

        @TearDown
        public void close() {
            this.context.close();
        }
    }

    private static void send(ZMQ.Socket socket, byte[]... frames) {
        BareMdp.send(socket, frames);
    }
}
