package dev.pirate.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.protocol.ErrorReply;
import dev.pirate.protocol.Mdp;
import dev.pirate.security.ClientSecurity;
import dev.pirate.support.Checks;
import dev.pirate.support.Endpoints;
import dev.pirate.support.FrameBuffer;
import dev.pirate.support.Sockets;

/**
 * The ZeroMQ Guide's asynchronous Majordomo client: one DEALER socket to a broker, any number of
 * requests sent before their replies are read, replies taken in the order they arrive.
 * <p>
 * This is the fastest way to push many requests through a broker from one thread, because sends
 * and receives are batched by ZeroMQ instead of paying a thread wake-up per request. It gives up
 * what {@link MajordomoClient} adds for that speed: there are no retries, and MDP/0.1 carries no
 * request id, so replies from several workers come back in any order and the caller matches them
 * to requests from their content (for example an id in the body). Use it for bulk work whose loss
 * the caller detects on its own, as the Guide does; use {@link MajordomoClient} for calls.
 * <p>
 * Not thread-safe: one thread at a time sends and receives.
 * <pre>{@code
 * try (MajordomoPipeline pipeline = MajordomoPipeline.connect("tcp://localhost:5555", 1000)) {
 *     for (byte[] job : jobs) {
 *         pipeline.send("resize", job);
 *     }
 *     for (int i = 0; i < jobs.size(); i++) {
 *         MajordomoPipeline.Reply reply = pipeline.receive(Duration.ofSeconds(5));
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class MajordomoPipeline implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(MajordomoPipeline.class);

    private final ZContext context;

    private final ZMQ.Socket socket;

    private final List<String> endpoints;

    private final FrameBuffer frames = new FrameBuffer(Long.MAX_VALUE, Integer.MAX_VALUE);

    /** The service last sent to, kept encoded so a stream of sends to one service encodes it once. */
    private String lastService = "";

    private byte[] lastServiceFrame = Mdp.EMPTY;

    private int receiveTimeoutMillis = -1;

    private MajordomoPipeline(List<String> endpoints, int maxInFlight, ClientSecurity security) {
        this.endpoints = endpoints;
        this.context = new ZContext(1);
        try {
            this.socket = Sockets.create(this.context, SocketType.DEALER);
            if (security != null) {
                security.applyTo(this.socket);
            }
            // A send beyond the requests in flight blocks (and a broker that is gone fills its pipe, so
            // round robin passes it by). Replies get twice that room, at least 1,000, so their pipe never
            // fills: JeroMQ 0.6.0 splits multipart messages at frame boundaries when a CURVE connection's
            // receiving pipe is at its high-water mark (a bare JeroMQ CURVE echo: 334 of 200,000 4-frame
            // messages split with RCVHWM 100, none at 1,000; SNDHWM made no difference).
            this.socket.setSndHWM(maxInFlight);
            this.socket.setRcvHWM(hwmFor(maxInFlight));
            if (endpoints.size() > 1) {
                // Requests go only to brokers whose connection is up, never queued for one that is away.
                this.socket.setImmediate(true);
            }
            for (String endpoint : endpoints) {
                this.socket.connect(endpoint);
            }
        }
        catch (RuntimeException ex) {
            this.context.close();
            throw ex;
        }
    }

    /** A high-water mark the requests in flight never reach; never below ZeroMQ's default of 1,000. */
    static int hwmFor(int maxInFlight) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1000L, 2L * maxInFlight));
    }

    /**
     * Connects to a broker.
     * @param endpoint the broker endpoint, e.g. {@code tcp://localhost:5555}
     * @param maxInFlight the most requests the caller will have sent and not yet received; sends
     *        beyond it block until replies are read
     * @return the pipeline; the caller closes it
     * @throws IllegalArgumentException if {@code maxInFlight} is not positive
     */
    public static MajordomoPipeline connect(String endpoint, int maxInFlight) {
        return connect(endpoint, maxInFlight, null);
    }

    /**
     * Connects to a broker, with CURVE when {@code security} is given.
     * @param endpoint the broker endpoint, e.g. {@code tcp://localhost:5555}
     * @param maxInFlight the most requests the caller will have sent and not yet received
     * @param security the CURVE client settings, or {@code null} for plain text
     * @return the pipeline; the caller closes it
     * @throws IllegalArgumentException if {@code maxInFlight} is not positive
     */
    public static MajordomoPipeline connect(String endpoint, int maxInFlight, ClientSecurity security) {
        Objects.requireNonNull(endpoint, "endpoint");
        Checks.atLeast(maxInFlight, 1, "maxInFlight");
        return new MajordomoPipeline(List.of(endpoint), maxInFlight, security);
    }

    /**
     * Connects to several brokers with one socket, in plain text; see
     * {@link #connect(List, int, ClientSecurity)}.
     * @param endpoints one or more broker endpoints, without duplicates
     * @param maxInFlight the most requests the caller will have sent and not yet received, per broker
     * @return the pipeline; the caller closes it
     */
    public static MajordomoPipeline connect(List<String> endpoints, int maxInFlight) {
        return connect(endpoints, maxInFlight, null);
    }

    /**
     * Connects to several brokers with one socket, which ZeroMQ spreads requests over in turn and
     * reads replies from fairly. Only brokers whose connection is up get requests: a broker that is
     * away is skipped until it is back, and a send waits while no broker is connected. Requests
     * already sent to a broker that dies are lost, as with one broker: there are no retries.
     * @param endpoints one or more broker endpoints, without duplicates
     * @param maxInFlight the most requests the caller will have sent and not yet received, per broker
     * @param security the CURVE client settings, or {@code null} for plain text
     * @return the pipeline; the caller closes it
     * @throws IllegalArgumentException if the list is empty, has an invalid endpoint or one twice, or
     *     {@code maxInFlight} is not positive
     */
    public static MajordomoPipeline connect(List<String> endpoints, int maxInFlight, ClientSecurity security) {
        List<String> checked = Endpoints.checkAll(endpoints, "endpoints");
        Checks.atLeast(maxInFlight, 1, "maxInFlight");
        return new MajordomoPipeline(checked, maxInFlight, security);
    }

    /**
     * Returns the broker endpoint.
     * @return the endpoint; with several brokers, the first
     */
    public String endpoint() {
        return this.endpoints.get(0);
    }

    /**
     * Returns every broker endpoint.
     * @return the endpoints, in the order given
     */
    public List<String> endpoints() {
        return this.endpoints;
    }

    /**
     * Sends a one-frame request; returns as soon as ZeroMQ has queued it.
     * @param service the service name
     * @param body the request body
     * @throws IllegalArgumentException if the service name is invalid
     */
    public void send(String service, byte[] body) {
        sendHeader(service);
        this.socket.send(body, 0);
    }

    /**
     * Sends a request of one or more frames; returns as soon as ZeroMQ has queued it.
     * @param service the service name
     * @param body the request body frames, at least one
     * @throws IllegalArgumentException if the service name is invalid or the body is empty
     */
    public void send(String service, List<byte[]> body) {
        if (body.isEmpty()) {
            throw new IllegalArgumentException("A request needs at least one body frame");
        }
        sendHeader(service);
        int last = body.size() - 1;
        for (int i = 0; i < last; i++) {
            this.socket.send(body.get(i), ZMQ.SNDMORE);
        }
        this.socket.send(body.get(last), 0);
    }

    private void sendHeader(String service) {
        this.socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
        this.socket.send(Mdp.CLIENT_HEADER, ZMQ.SNDMORE);
        this.socket.send(serviceFrame(service), ZMQ.SNDMORE);
    }

    private byte[] serviceFrame(String service) {
        if (!service.equals(this.lastService)) {
            if (!Mdp.isValidServiceName(service)) {
                throw new IllegalArgumentException("Invalid service name '" + service + "'");
            }
            this.lastServiceFrame = service.getBytes(StandardCharsets.US_ASCII);
            this.lastService = service;
        }
        return this.lastServiceFrame;
    }

    /**
     * Waits for the next reply, from whichever request it answers. Messages that are not MDP
     * client replies are skipped.
     * @param timeout how long to wait; zero returns at once
     * @return the reply, or {@code null} if none came in time
     */
    public Reply receive(Duration timeout) {
        // Under load a reply is usually waiting already: take it without touching the socket's timeout.
        while (this.frames.receiveNow(this.socket)) {
            if (isReply()) {
                return reply();
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            setReceiveTimeout((int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
            if (!this.frames.receive(this.socket)) {
                return null;
            }
            if (isReply()) {
                return reply();
            }
        }
    }

    /** Tells whether the message just received is a client reply; logs and skips anything else. */
    private boolean isReply() {
        if (this.frames.size() >= 4 && this.frames.get(0).length == 0 && Mdp.is(this.frames.get(1), Mdp.CLIENT_HEADER)) {
            return true;
        }
        logger.warn("Skipped a message from {} that is not an MDP client reply ({} frames)", this.endpoints,
                this.frames.size());
        return false;
    }

    /** A DEALER client's reply: empty delimiter, MDPC01, service, one or more body frames. */
    private Reply reply() {
        return new Reply(serviceName(this.frames.get(2)), List.of(this.frames.copyFrom(3)));
    }

    private String serviceName(byte[] frame) {
        return Arrays.equals(frame, this.lastServiceFrame) ? this.lastService
                : new String(frame, StandardCharsets.US_ASCII);
    }

    private void setReceiveTimeout(int millis) {
        if (millis != this.receiveTimeoutMillis) {
            this.socket.setReceiveTimeOut(millis);
            this.receiveTimeoutMillis = millis;
        }
    }

    /**
     * Closes the socket and its context at once; replies not yet received are dropped.
     */
    @Override
    public void close() {
        this.context.close();
    }

    /**
     * A reply as the broker delivered it.
     * @param service the service that answered
     * @param body the reply body frames
     */
    public record Reply(String service, List<byte[]> body) {

        /**
         * Tells whether the service's handler failed (Pirate's error reply convention).
         * @return {@code true} for an error reply
         */
        public boolean isError() {
            return ErrorReply.isError(this.body);
        }

        /**
         * Returns the handler's error message.
         * @return the message
         * @throws IllegalStateException if this is not an error reply
         */
        public String errorMessage() {
            if (!isError()) {
                throw new IllegalStateException("Not an error reply");
            }
            return ErrorReply.message(this.body);
        }
    }
}
