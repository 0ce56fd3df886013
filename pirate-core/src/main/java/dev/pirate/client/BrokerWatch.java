package dev.pirate.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import dev.pirate.support.LoopThread;
import dev.pirate.support.RateLimitedLog;
import dev.pirate.support.Sockets;

/**
 * Watches the connection of a client over several brokers to each broker, so that calls stop
 * waiting on a broker that is gone as soon as its connection closes, instead of after their timeout
 * and a probe that cannot be answered.
 * <p>
 * A request's own sockets cannot say that their broker went away: ZeroMQ reconnects in silence. So
 * the watch holds one more connection to every broker, a DEALER that never sends (a broker sees an
 * idle peer, nothing on the wire), with a ZeroMQ socket monitor. When that connection closes (the
 * broker's process died or closed its socket: the operating system closes every connection to it at
 * once), the broker is skipped for a quarantine ({@link BrokerSelector#lost}) and its engine gives
 * up every attempt it sent before ({@link ClientEngine#connectionLost}), which then moves to another
 * broker as a timed-out attempt would. When the connection is made again (the broker is back), the
 * broker is back in the rotation at once ({@link BrokerSelector#answered}); a broker that never
 * answers a connection stays to the timeouts and quarantines of {@link BrokerSelector}.
 * <p>
 * A connection can also close while its broker lives (a network path reset): the attempts given up
 * then may run twice, once on each broker, exactly as attempts that time out do. One thread for all
 * brokers; each socket lives in its engine's context and on this thread only.
 */
final class BrokerWatch implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(BrokerWatch.class);

    private static final AtomicLong instances = new AtomicLong();

    private enum Notice {
        LOST, BACK
    }

    /**
     * A broker that refuses the connection after its greeting (a CURVE key it does not allow) makes
     * it close at every reconnect: a line per ten seconds, not one per reconnect.
     */
    private static final RateLimitedLog<Notice> notices = new RateLimitedLog<>(logger, RateLimitedLog.Level.INFO,
            Notice.class, TimeUnit.SECONDS.toNanos(10));

    /** Longest pause between two reconnects of a watch socket to a broker that is down. */
    private static final int MAX_RECONNECT_MILLIS = 2000;

    /** How long the thread waits for an event before it looks whether it should stop. */
    private static final int POLL_MILLIS = 100;

    /** How often a broker whose host name did not resolve is tried again. */
    private static final long RESOLVE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * A connection counts once its ZMTP greeting is done ({@code HANDSHAKE_PROTOCOL}): JeroMQ 0.6.0
     * leaves a few fresh connections stalled before the greeting (see {@link Sockets#HANDSHAKE_MILLIS})
     * and drops them, which says nothing about the broker.
     */
    private static final int EVENTS = ZMQ.EVENT_HANDSHAKE_PROTOCOL | ZMQ.EVENT_DISCONNECTED;

    private final List<ClientEngine> engines;

    private final BrokerSelector selector;

    private final String monitorPrefix = "inproc://pirate-broker-watch-" + instances.incrementAndGet() + "-";

    private final LoopThread loop = new LoopThread();

    /** Per broker: whether the watch's connection completed its greeting since it was last lost; watch thread only. */
    private final boolean[] established;

    BrokerWatch(List<ClientEngine> engines, BrokerSelector selector) {
        this.engines = List.copyOf(engines);
        this.selector = selector;
        this.established = new boolean[this.engines.size()];
        for (ClientEngine engine : this.engines) {
            engine.watched();
        }
    }

    /** Starts the watch on a daemon thread: a client the application forgot to close does not keep the JVM up. */
    void start(String threadName) {
        this.loop.startDaemon(threadName, this::run, (cause) -> logger.error(
                "The broker watch stopped; calls on a broker that dies now wait for their timeout", cause));
    }

    private void run() {
        List<ZMQ.Socket> watched = new ArrayList<>();
        List<ZMQ.Socket> monitors = new ArrayList<>();
        try (ZMQ.Poller poller = this.engines.get(0).context().createPoller(this.engines.size())) {
            for (int i = 0; i < this.engines.size(); i++) {
                ClientEngine engine = this.engines.get(i);
                ZMQ.Socket socket = Sockets.create(engine.context(), SocketType.DEALER);
                socket.setReconnectIVLMax(MAX_RECONNECT_MILLIS);
                watched.add(socket);
                if (engine.security() != null) {
                    engine.security().applyTo(socket);
                }
                String monitorEndpoint = this.monitorPrefix + i;
                socket.monitor(monitorEndpoint, EVENTS);
                ZMQ.Socket monitor = Sockets.create(engine.context(), SocketType.PAIR);
                monitors.add(monitor);
                monitor.connect(monitorEndpoint);
                poller.register(monitor, ZMQ.Poller.POLLIN);
            }
            long[] connectDue = new long[watched.size()];
            Arrays.fill(connectDue, System.nanoTime());
            boolean[] connected = new boolean[watched.size()];
            this.loop.serving();
            while (this.loop.isRunning()) {
                connectWhenDue(watched, connected, connectDue);
                poller.poll(POLL_MILLIS);
                for (int i = 0; i < monitors.size(); i++) {
                    ZMQ.Event event;
                    while ((event = ZMQ.Event.recv(monitors.get(i), ZMQ.DONTWAIT)) != null) {
                        onEvent(i, event.getEvent());
                    }
                }
            }
        }
        finally {
            for (ZMQ.Socket socket : watched) {
                socket.monitor(null, 0);
                socket.close();
            }
            for (ZMQ.Socket monitor : monitors) {
                monitor.close();
            }
        }
    }

    /**
     * Connects the sockets not yet connected. A host name that does not resolve (yet: a broker pod
     * not scheduled) makes {@code connect} throw, every time: that broker is tried again later; its
     * calls meanwhile time out and skip it as {@link BrokerSelector} says.
     */
    private void connectWhenDue(List<ZMQ.Socket> watched, boolean[] connected, long[] due) {
        long now = System.nanoTime();
        for (int i = 0; i < watched.size(); i++) {
            if (connected[i] || now - due[i] < 0) {
                continue;
            }
            try {
                watched.get(i).connect(this.engines.get(i).endpoint());
                connected[i] = true;
            }
            catch (RuntimeException ex) {
                due[i] = now + RESOLVE_RETRY_NANOS;
                logger.debug("Cannot watch broker {} yet: {}", this.engines.get(i).endpoint(), ex.toString());
            }
        }
    }

    private void onEvent(int broker, int event) {
        ClientEngine engine = this.engines.get(broker);
        if (event == ZMQ.EVENT_DISCONNECTED && this.established[broker]) {
            this.established[broker] = false;
            notices.log(Notice.LOST, "Connection to broker {} lost; its calls move to the other brokers",
                    engine.endpoint());
            this.selector.lost(broker);
            engine.connectionLost();
        }
        else if (event == ZMQ.EVENT_HANDSHAKE_PROTOCOL) {
            this.established[broker] = true;
            if (this.selector.isSkipped(broker)) {
                notices.log(Notice.BACK, "Connected to broker {} again", engine.endpoint());
                this.selector.answered(broker);
            }
        }
    }

    /** Stops the thread and closes its sockets; returns once it has ended. */
    @Override
    public void close() {
        this.loop.stop();
    }
}
