package dev.pirate.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

import dev.pirate.event.ClientOutcome;
import dev.pirate.protocol.ErrorReply;
import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.protocol.RefusalReason;
import dev.pirate.support.FrameBuffer;
import dev.pirate.support.Sockets;

/**
 * One request's Lazy Pirate state machine: send, wait, and on timeout close the socket, open a new
 * one and send again, until a reply comes or the attempts run out.
 * <p>
 * When the last attempt of a brokered request times out it asks the broker {@code mmi.service}, so a
 * service without workers is reported as unknown rather than as slow. It asks only then, not after
 * the first timeout: right after a broker restart the workers are still re-registering, and the
 * retries must ride that out instead of failing fast on a passing 404. Each attempt uses its own
 * socket and a timed-out socket is closed, so a late reply can never be taken for another request.
 * The same machine is driven by the caller's thread (sync calls) or by the I/O thread (async).
 */
final class Exchange {

    private static final Logger logger = LoggerFactory.getLogger(Exchange.class);

    /**
     * The MMI question waits at least two handshake intervals, so that a new connection that stalls
     * in its handshake (see {@link Sockets#HANDSHAKE_MILLIS}) and is re-made cannot turn an
     * "unknown service" answer into a timeout.
     */
    private static final long MIN_PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(2L * Sockets.HANDSHAKE_MILLIS);

    private final ClientEngine engine;

    private final SocketPool sockets;

    private final String target;

    private final List<byte[]> body;

    private final CallOptions options;

    private final long startNanos = System.nanoTime();

    final CompletableFuture<List<byte[]>> future = new CompletableFuture<>();

    private ZMQ.Socket socket;

    private long deadlineNanos;

    private int attempts;

    private boolean probing;

    /** Whether the current attempt carried the PX frame, so the broker may refuse it with a reason. */
    private boolean extended;

    Exchange(ClientEngine engine, SocketPool sockets, String target, List<byte[]> body, CallOptions options) {
        this.engine = engine;
        this.sockets = sockets;
        this.target = target;
        this.body = body;
        this.options = options;
    }

    ZMQ.Socket socket() {
        return this.socket;
    }

    long deadlineNanos() {
        return this.deadlineNanos;
    }

    boolean isDone() {
        return this.future.isDone();
    }

    void begin() {
        sendRequest();
    }

    private void sendRequest() {
        this.socket = this.sockets.borrow();
        this.attempts++;
        this.extended = this.engine.wire().send(this.socket, this.target, this.body);
        this.deadlineNanos = System.nanoTime() + this.options.timeout().toNanos();
    }

    private void sendProbe() {
        this.socket = this.sockets.borrow();
        this.probing = true;
        MdpWire.INSTANCE.send(this.socket, Mdp.MMI_SERVICE, List.of(this.target.getBytes(StandardCharsets.US_ASCII)));
        this.deadlineNanos = System.nanoTime() + Math.max(this.options.timeout().toNanos(), MIN_PROBE_NANOS);
    }

    /**
     * Handles a message received on the current socket.
     * @return {@code true} when the exchange is complete
     */
    boolean onMessage(FrameBuffer frames) {
        if (this.engine.wire().absorb(frames)) {
            return false;
        }
        if (this.probing) {
            List<byte[]> answer = MdpWire.INSTANCE.replyBody(frames, Mdp.MMI_SERVICE);
            if (answer == null) {
                return false;
            }
            this.sockets.release(this.socket);
            this.socket = null;
            this.probing = false;
            if (Mdp.is(answer.get(0), Mdp.MMI_NOT_FOUND)) {
                complete(ClientOutcome.UNKNOWN_SERVICE,
                        new PirateUnknownServiceException(this.target, this.engine.endpoint()));
            }
            else {
                giveUp();
            }
            return true;
        }
        List<byte[]> reply = this.engine.wire().replyBody(frames, this.target);
        if (reply == null) {
            logger.warn("Dropped a malformed reply from {} for '{}'", this.engine.endpoint(), this.target);
            return false;
        }
        this.sockets.release(this.socket);
        this.socket = null;
        if (this.extended && PirateExtension.isRefusal(reply)
                && PirateExtension.refusalReason(reply) == RefusalReason.UNKNOWN_SERVICE) {
            complete(ClientOutcome.UNKNOWN_SERVICE,
                    new PirateUnknownServiceException(this.target, this.engine.endpoint()));
        }
        else if (this.extended && PirateExtension.isRefusal(reply)) {
            complete(ClientOutcome.REFUSED, new PirateRefusedException(this.target, this.engine.endpoint(),
                    PirateExtension.refusalReason(reply), new String(reply.get(1), StandardCharsets.US_ASCII),
                    PirateExtension.refusalText(reply)));
        }
        else if (ErrorReply.isError(reply)) {
            complete(ClientOutcome.FAILED,
                    new PirateRemoteException(this.target, this.engine.endpoint(), ErrorReply.message(reply)));
        }
        else {
            this.engine.listener().clientRequestCompleted(this.target, ClientOutcome.SUCCESS, elapsedNanos());
            this.future.complete(reply);
        }
        return true;
    }

    /**
     * Handles the deadline passing without a reply.
     * @return {@code true} when the exchange is complete
     */
    boolean onTimeout() {
        this.sockets.discard(this.socket);
        this.socket = null;
        if (this.attempts < this.options.attempts()) {
            logger.debug("No reply from '{}' at {}; retrying", this.target, this.engine.endpoint());
            this.engine.listener().clientRetry(this.target);
            sendRequest();
            return false;
        }
        if (!this.probing && this.engine.wire().canProbe(this.target)) {
            sendProbe();
            return false;
        }
        giveUp();
        return true;
    }

    private void giveUp() {
        complete(ClientOutcome.TIMEOUT, new PirateTimeoutException(this.target, this.engine.endpoint(), this.attempts,
                Duration.ofNanos(elapsedNanos())));
    }

    /**
     * Ends the exchange because the client is closing.
     */
    void abort() {
        if (this.socket != null) {
            this.sockets.discard(this.socket);
            this.socket = null;
        }
        complete(ClientOutcome.FAILED, new PirateException("Client for " + this.engine.endpoint() + " closed before '"
                + this.target + "' replied", this.target, this.engine.endpoint()));
    }

    private void complete(ClientOutcome outcome, PirateException failure) {
        this.engine.listener().clientRequestCompleted(this.target, outcome, elapsedNanos());
        this.future.completeExceptionally(failure);
    }

    private long elapsedNanos() {
        return System.nanoTime() - this.startNanos;
    }
}
