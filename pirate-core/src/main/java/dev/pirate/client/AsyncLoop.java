package dev.pirate.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.support.FrameBuffer;

/**
 * The asynchronous driver: one I/O thread polls one socket per request in flight, plus a
 * {@link Pipe} that callers write to so the thread wakes at once for new requests instead of polling
 * on a short timeout.
 */
final class AsyncLoop implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(AsyncLoop.class);

    private final ClientEngine engine;

    private final ConcurrentLinkedQueue<Exchange> submitted = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean wakeupPending = new AtomicBoolean();

    private final Pipe pipe;

    private final ZContext pollerContext = new ZContext(1);

    private final Thread thread;

    private volatile boolean running = true;

    AsyncLoop(ClientEngine engine, String threadName) {
        this.engine = engine;
        try {
            this.pipe = Pipe.open();
            this.pipe.source().configureBlocking(false);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot open the client's wake-up pipe", ex);
        }
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    void submit(Exchange exchange) {
        this.submitted.add(exchange);
        wakeUp();
    }

    private void wakeUp() {
        if (this.wakeupPending.compareAndSet(false, true)) {
            try {
                this.pipe.sink().write(ByteBuffer.wrap(new byte[] { 1 }));
            }
            catch (IOException ex) {
                logger.error("Cannot wake the client I/O thread", ex);
            }
        }
    }

    private void run() {
        Map<ZMQ.Socket, Exchange> inFlight = new IdentityHashMap<>();
        FrameBuffer frames = this.engine.newFrameBuffer();
        ByteBuffer drain = ByteBuffer.allocate(64);
        List<ZMQ.Socket> ready = new ArrayList<>();
        try (ZMQ.Poller poller = this.pollerContext.createPoller(16)) {
            poller.register(this.pipe.source(), ZMQ.Poller.POLLIN);
            while (this.running) {
                poller.poll(pollTimeoutMillis(inFlight));
                if (poller.pollin(0)) {
                    drainPipe(drain);
                }
                takeSubmitted(inFlight, poller);
                ready.clear();
                for (int i = 1; i < poller.getSize(); i++) {
                    if (poller.pollin(i)) {
                        ready.add(poller.getSocket(i));
                    }
                }
                for (ZMQ.Socket socket : ready) {
                    Exchange exchange = inFlight.get(socket);
                    while (exchange != null && exchange.socket() == socket && readNow(socket, frames)) {
                        advance(exchange, socket, exchange.onMessage(frames), inFlight, poller);
                    }
                }
                expire(inFlight, poller);
            }
            for (Exchange exchange : List.copyOf(inFlight.values())) {
                exchange.abort();
            }
            Exchange exchange;
            while ((exchange = this.submitted.poll()) != null) {
                exchange.abort();
            }
        }
        catch (RuntimeException ex) {
            logger.error("Client I/O thread failed", ex);
            inFlight.values().forEach(Exchange::abort);
        }
        finally {
            this.pollerContext.close();
        }
    }

    private static boolean readNow(ZMQ.Socket socket, FrameBuffer frames) {
        return frames.receiveNow(socket);
    }

    private void drainPipe(ByteBuffer drain) {
        // Clear the flag first: a submit that races with the drain then writes again.
        this.wakeupPending.set(false);
        try {
            while (this.pipe.source().read(drain.clear()) > 0) {
                // keep reading until the pipe is empty
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private void takeSubmitted(Map<ZMQ.Socket, Exchange> inFlight, ZMQ.Poller poller) {
        Exchange exchange;
        while ((exchange = this.submitted.poll()) != null) {
            exchange.begin();
            inFlight.put(exchange.socket(), exchange);
            poller.register(exchange.socket(), ZMQ.Poller.POLLIN);
        }
    }

    private void expire(Map<ZMQ.Socket, Exchange> inFlight, ZMQ.Poller poller) {
        long now = System.nanoTime();
        List<Exchange> late = null;
        for (Exchange exchange : inFlight.values()) {
            if (now - exchange.deadlineNanos() >= 0) {
                if (late == null) {
                    late = new ArrayList<>();
                }
                late.add(exchange);
            }
        }
        if (late != null) {
            for (Exchange exchange : late) {
                ZMQ.Socket socket = exchange.socket();
                // Unregister before the exchange closes the socket.
                poller.unregister(socket);
                inFlight.remove(socket);
                advance(exchange, null, exchange.onTimeout(), inFlight, poller);
            }
        }
    }

    private static void advance(Exchange exchange, ZMQ.Socket previous, boolean done, Map<ZMQ.Socket, Exchange> inFlight,
            ZMQ.Poller poller) {
        if (previous != null && exchange.socket() != previous) {
            poller.unregister(previous);
            inFlight.remove(previous);
        }
        if (!done && exchange.socket() != previous) {
            inFlight.put(exchange.socket(), exchange);
            poller.register(exchange.socket(), ZMQ.Poller.POLLIN);
        }
    }

    private static long pollTimeoutMillis(Map<ZMQ.Socket, Exchange> inFlight) {
        if (inFlight.isEmpty()) {
            return -1;
        }
        long now = System.nanoTime();
        long earliest = Long.MAX_VALUE;
        for (Exchange exchange : inFlight.values()) {
            earliest = Math.min(earliest, exchange.deadlineNanos() - now);
        }
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(earliest) + 1);
    }

    @Override
    public void close() {
        this.running = false;
        wakeUp();
        try {
            this.thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        try {
            this.pipe.sink().close();
            this.pipe.source().close();
        }
        catch (IOException ex) {
            logger.debug("Closing the wake-up pipe failed", ex);
        }
    }
}
