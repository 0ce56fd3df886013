package dev.pirate.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.broker.MajordomoBroker;

/**
 * How a {@link MajordomoBroker}'s dispatch cost changes with the number of services it knows and
 * the number of workers connected to it: the curves behind "flat from 1 to 1,000".
 * <p>
 * Every invocation is the same work: one bare DEALER client sends {@value #IN_FLIGHT} requests for
 * {@code echo}, {@value #IN_FLIGHT} or more bare DEALER workers serve them, and the client reads the
 * replies, all on the benchmark's thread over loopback TCP; the score is per request. Only the
 * broker's state changes from point to point:
 * <ul>
 * <li>{@link #services}: {@code services - 1} other services each hold one queued request and no
 * worker. The queued request keeps them in the service map (a service with neither is dropped) and
 * in every snapshot the broker publishes; the dispatch for {@code echo} has to find its entry among
 * them.</li>
 * <li>{@link #workers} with {@code placement=same}: {@code idleWorkers} more workers register for
 * {@code echo} itself. The idle list is least-recently-used, so the requests then rotate over all
 * {@code 16 + idleWorkers} connections: every dispatch takes the worker idle the longest, its list
 * node and its JeroMQ pipe cold in cache, and puts another back behind {@code idleWorkers} others.
 * This is the placement that stresses the idle list and the routing map, and what a service with
 * many workers looks like.</li>
 * <li>{@link #workers} with {@code placement=other}: the same number of workers register for a
 * service no one calls and stay idle. The busy path is that of 16 workers; what grows is the
 * routing map, the broker ROUTER's pipe table and its I/O thread's selector.</li>
 * </ul>
 * Besides wall time, each point reports two counters per request: {@code loopCpu}, the CPU time of
 * the broker's own thread (Pirate's receive, dispatch and send, JeroMQ socket calls included), and
 * {@code ioCpu}, that of the I/O thread of the broker's ZeroMQ context (JeroMQ alone). On a shared
 * machine they move less than wall time, and they tell whose cost grows. {@link
 * #workersWithoutBroker} is the control: the same rotation without a broker.
 * <p>
 * Heartbeats: the broker's heartbeat interval and request expiry are one hour, so no heartbeat tick
 * runs in a measurement and the bare workers, which never answer heartbeats, are never purged. The
 * tick walks every worker and service once per interval by design; it is not per-request cost.
 * <p>
 * The annotations keep an ad-hoc run short; {@code bench/scale.sh} runs 4 warm-up and 5 measured
 * iterations per point, as two busy cores need about four seconds to finish compiling.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BrokerScaleBenchmark {

    /** Requests per invocation, and workers serving them when nothing else is connected. */
    static final int IN_FLIGHT = 16;

    private static final byte[] ECHO = ascii("echo");

    private static final byte[] STANDBY = ascii("standby");

    /** Large enough to carry the serving worker's index back to the client. */
    private static final int BODY_SIZE = 16;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /** Dispatch cost with {@code services} services known to the broker. */
    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public byte[] services(ServicesFixture broker) {
        return broker.round();
    }

    /** Dispatch cost with {@code idleWorkers} more workers connected, placed by {@code placement}. */
    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public byte[] workers(WorkersFixture broker) {
        return broker.round();
    }

    /**
     * The control for {@link #workers}: the same frames handed round-robin over {@code 16 +
     * idleWorkers} connections by a plain ROUTER, no broker. Two hops per request where the broker
     * takes four, so compare how it grows, not its level.
     */
    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public byte[] workersWithoutBroker(RotationFixture rotation) {
        rotation.requests += IN_FLIGHT;
        return rotation.connections.round(IN_FLIGHT, rotation.body);
    }

    /** The broker, its client and its workers, all driven by the benchmark's thread. */
    @State(Scope.Thread)
    public abstract static class Fixture {

        private final byte[] body = new byte[BODY_SIZE];

        private MajordomoBroker broker;

        private ZContext context;

        private BareClient client;

        private MirroredWorkers echo;

        private final List<ZMQ.Socket> standby = new ArrayList<>();

        private ThreadCpu loopThread;

        private ThreadCpu ioThread;

        private long requests;

        /**
         * Starts the broker and connects everything, returning once the broker has registered it all.
         * @param otherServices services holding one queued request and no worker
         * @param echoWorkers workers for {@code echo}, at least {@value #IN_FLIGHT}
         * @param standbyWorkers workers for a service that is never called
         */
        void start(int otherServices, int echoWorkers, int standbyWorkers) {
            this.broker = MajordomoBroker.builder()
                .bind("tcp://127.0.0.1:*")
                .heartbeatInterval(Duration.ofHours(1))
                .requestExpiry(Duration.ofHours(1))
                .build();
            Set<Long> before = ThreadCpu.liveThreads();
            this.broker.start();
            this.loopThread = ThreadCpu.startedSince(before, "pirate-broker");
            this.ioThread = ThreadCpu.startedSince(before, "iothread-");
            String endpoint = this.broker.connectEndpoint();
            this.context = BareMdp.context(1 + echoWorkers + standbyWorkers);
            this.client = new BareClient(this.context, endpoint);
            this.echo = new MirroredWorkers(this.context, endpoint, ECHO, echoWorkers);
            for (int i = 0; i < standbyWorkers; i++) {
                this.standby.add(BareMdp.readyWorker(this.context, endpoint, STANDBY));
            }
            for (int i = 1; i <= otherServices; i++) {
                this.client.send(ascii("queued-" + i), this.body);
            }
            int workers = echoWorkers + standbyWorkers;
            int services = 1 + otherServices + ((standbyWorkers > 0) ? 1 : 0);
            BareMdp.await(this.broker, (s) -> s.workers() == workers && s.services().size() == services,
                    READY_TIMEOUT, workers + " workers and " + services + " services", () -> true);
            this.echo.learnOrder(this.client, ECHO, this.body);
        }

        /** {@value #IN_FLIGHT} requests in flight, served and answered. */
        byte[] round() {
            for (int i = 0; i < IN_FLIGHT; i++) {
                this.client.send(ECHO, this.body);
            }
            for (int i = 0; i < IN_FLIGHT; i++) {
                this.echo.serve(this.echo.next());
            }
            byte[] last = null;
            for (int i = 0; i < IN_FLIGHT; i++) {
                last = this.client.receive();
                this.echo.rejoined(last);
            }
            this.requests += IN_FLIGHT;
            return last;
        }

        /** Starts counting the broker threads' CPU time afresh for the coming iteration. */
        @Setup(Level.Iteration)
        public void resetCounters() {
            this.loopThread.mark();
            this.ioThread.mark();
            this.requests = 0;
        }

        /**
         * CPU time of the broker's own thread per request this iteration: receiving, deciding and
         * sending, Pirate's part of the dispatch. Subclasses publish it as a JMH counter: JMH 1.37
         * reads {@code @AuxCounters} only from methods declared on the state class itself (moved up
         * here, the counters vanished from the results), hence the two small forwarding methods in
         * each fixture.
         */
        double loopCpuMicros() {
            return this.loopThread.microsPer(this.requests);
        }

        /**
         * CPU time of the I/O thread of the broker's ZeroMQ context per request this iteration:
         * JeroMQ moving the broker's bytes between its socket and the TCP connections.
         */
        double ioCpuMicros() {
            return this.ioThread.microsPer(this.requests);
        }

        /** Closes the client and workers, then the broker. */
        @TearDown
        public void stop() {
            // JMH reads the last iteration's counters after this teardown, when the threads are gone.
            if (this.loopThread != null) {
                this.loopThread.stop();
                this.ioThread.stop();
            }
            if (this.context != null) {
                this.context.close();
            }
            if (this.broker != null) {
                this.broker.close();
            }
        }
    }

    /** A broker that knows {@code services} services, {@code echo} among them. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class ServicesFixture extends Fixture {

        @Param({ "1", "10", "100", "1000" })
        private int services;

        /**
         * A JMH counter: see {@link Fixture#loopCpuMicros()}.
         * @return microseconds of the broker thread's CPU time per request
         */
        public double loopCpu() {
            return loopCpuMicros();
        }

        /**
         * A JMH counter: see {@link Fixture#ioCpuMicros()}.
         * @return microseconds of the broker I/O thread's CPU time per request
         */
        public double ioCpu() {
            return ioCpuMicros();
        }

        /** Starts the broker with the other services' queued requests and the 16 workers. */
        @Setup
        public void start() {
            start(this.services - 1, IN_FLIGHT, 0);
        }
    }

    /** A broker with {@value #IN_FLIGHT} workers for {@code echo} and {@code idleWorkers} more. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class WorkersFixture extends Fixture {

        @Param({ "1", "10", "100", "1000" })
        private int idleWorkers;

        @Param({ "same", "other" })
        private String placement;

        /**
         * A JMH counter: see {@link Fixture#loopCpuMicros()}.
         * @return microseconds of the broker thread's CPU time per request
         */
        public double loopCpu() {
            return loopCpuMicros();
        }

        /**
         * A JMH counter: see {@link Fixture#ioCpuMicros()}.
         * @return microseconds of the broker I/O thread's CPU time per request
         */
        public double ioCpu() {
            return ioCpuMicros();
        }

        /** Starts the broker with the 16 workers and the idle ones where {@code placement} says. */
        @Setup
        public void start() {
            switch (this.placement) {
                case "same" -> start(0, IN_FLIGHT + this.idleWorkers, 0);
                case "other" -> start(0, IN_FLIGHT, this.idleWorkers);
                default -> throw new IllegalArgumentException("placement is same or other, not " + this.placement);
            }
        }
    }

    /** A plain ROUTER and {@code 16 + idleWorkers} DEALERs. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class RotationFixture {

        @Param({ "1", "10", "100", "1000" })
        private int idleWorkers;

        private final byte[] body = new byte[BODY_SIZE];

        private RotationWithoutBroker connections;

        private long requests;

        /** Connects the DEALERs and waits until the ROUTER has heard from each. */
        @Setup
        public void start() {
            this.connections = new RotationWithoutBroker(IN_FLIGHT + this.idleWorkers);
        }

        /** Starts counting the ROUTER's I/O thread's CPU time afresh for the coming iteration. */
        @Setup(Level.Iteration)
        public void resetCounters() {
            this.connections.routerIoThread().mark();
            this.requests = 0;
        }

        /**
         * A JMH counter: CPU time of the I/O thread of the ROUTER's context per request, the
         * counterpart of the broker's {@code ioCpu} (which moves four messages per request, this two).
         * @return microseconds per request
         */
        public double ioCpu() {
            return this.connections.routerIoThread().microsPer(this.requests);
        }

        /** Closes both contexts. */
        @TearDown
        public void stop() {
            if (this.connections != null) {
                this.connections.routerIoThread().stop();
                this.connections.close();
            }
        }
    }

    private static byte[] ascii(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }
}
