package dev.pirate.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
 * One request's Lazy Pirate state machine: send, wait, and on timeout close the socket, pause
 * (the {@link Backoff}), open a new socket and send again, until a reply comes, the attempts run
 * out or the call's deadline passes.
 * <p>
 * Every attempt carries the same {@link CallMeta}: one request id and one deadline for the call,
 * however often it is sent. A pause holds no socket: the timed-out one is closed first, and the
 * next is borrowed when the pause is over; {@link #socket()} is {@code null} meanwhile and
 * {@link #deadlineNanos()} says when the pause ends.
 * <p>
 * When the last attempt of a brokered request times out it asks the broker {@code mmi.service}, so a
 * service without workers is reported as unknown rather than as slow. It asks only then, not after
 * the first timeout: right after a broker restart the workers are still re-registering, and the
 * retries must ride that out instead of failing fast on a passing 404. Each attempt uses its own
 * socket and a timed-out socket is closed, so a late reply can never be taken for another request.
 * The same machine is driven by the caller's thread (sync calls) or by the I/O thread (async).
 * Its {@link #future} is completed through an executor: the calling thread's own for sync calls,
 * the client's callback executor for async ones, so that no caller's continuation ever runs on the
 * I/O thread.
 */
final class Exchange {

    private static final Logger logger = LoggerFactory.getLogger(Exchange.class);

    /**
     * The MMI question waits at least two handshake intervals, so that a new connection that stalls
     * in its handshake (see {@link Sockets#HANDSHAKE_MILLIS}) and is re-made cannot turn an
     * "unknown service" answer into a timeout.
     */
    private static final long MIN_PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(2L * Sockets.HANDSHAKE_MILLIS);

    /**
     * Longest wait for the broker's answer to a call's PX/1 question before its first attempt goes
     * plain. A Pirate broker answers within a round trip; the wait matters only for a broker that is
     * down or has no MMI, and then only for a client's first few calls.
     */
    private static final long MAX_NEGOTIATION_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /**
     * The same wait over CURVE, whose handshake alone costs JeroMQ tens of milliseconds of CPU on each
     * side, and more on a busy machine: a first call that went plain would lose what PX/1 adds to it
     * (a refusal said, not a timeout).
     */
    private static final long MAX_CURVE_NEGOTIATION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final ClientEngine engine;

    private final SocketPool sockets;

    private final Executor completions;

    private final String target;

    private final List<byte[]> body;

    private final CallOptions options;

    private final long startNanos = System.nanoTime();

    /** The call's identity and deadline, sent with every attempt. */
    private final CallMeta call;

    /**
     * Whether the caller set a deadline. Only then does it cut attempts, pauses and the MMI probe;
     * without one the call's deadline is its whole budget, which those never reach anyway.
     */
    private final boolean hardDeadline;

    final CompletableFuture<List<byte[]>> future = new CompletableFuture<>();

    private ZMQ.Socket socket;

    /** When the current step ends: an attempt's or the probe's wait for a reply, or a pause. */
    private long deadlineNanos;

    private int attempts;

    private boolean probing;

    /** The engine's {@link ClientEngine#connectionEpoch()} when the current socket was taken. */
    private int connectionEpoch;

    /** Whether the current attempt carried the PX frame, so the broker may refuse it with a reason. */
    private boolean extended;

    /**
     * Set when the outcome is decided, before the future is completed on the executor; the driving
     * thread reads this, as the future may not be complete yet.
     */
    private boolean done;

    /** Whether the call waits for the broker's answer to the wire's question before its first attempt. */
    private boolean negotiating;

    /**
     * @param completions where the future is completed, so where callers' continuations run
     */
    Exchange(ClientEngine engine, SocketPool sockets, Executor completions, String target, List<byte[]> body,
            CallOptions options) {
        this(engine, sockets, completions, target, body, options, null);
    }

    /**
     * @param completions where the future is completed, so where callers' continuations run
     * @param call the identity and deadline of a call that began elsewhere (an attempt on one of
     *     several brokers, {@link BrokerFailover}), or {@code null} to begin a new call
     */
    Exchange(ClientEngine engine, SocketPool sockets, Executor completions, String target, List<byte[]> body,
            CallOptions options, CallMeta call) {
        this.engine = engine;
        this.sockets = sockets;
        this.completions = completions;
        this.target = target;
        this.body = body;
        this.options = options;
        this.call = (call != null) ? call
                : CallMeta.newCall(this.startNanos + options.budgetNanos(), options.traceContext());
        this.hardDeadline = options.deadline() != null;
    }

    ZMQ.Socket socket() {
        return this.socket;
    }

    long deadlineNanos() {
        return this.deadlineNanos;
    }

    /** The call's request id, the same for every attempt. */
    byte[] requestId() {
        return this.call.requestId();
    }

    /** Time left until the call's deadline (not the current attempt's), negative once it passed. */
    long remainingNanos() {
        return this.call.deadlineNanos() - System.nanoTime();
    }

    boolean isDone() {
        return this.done || this.future.isDone();
    }

    void begin() {
        this.socket = borrow();
        if (this.engine.wire().ask(this.socket)) {
            this.negotiating = true;
            this.deadlineNanos = cutToDeadline(System.nanoTime()
                    + Math.min(this.options.timeout().toNanos(),
                            this.engine.isCurve() ? MAX_CURVE_NEGOTIATION_WAIT_NANOS : MAX_NEGOTIATION_WAIT_NANOS));
            return;
        }
        sendAttempt();
    }

    private void sendRequest() {
        this.socket = borrow();
        sendAttempt();
    }

    private void sendAttempt() {
        this.attempts++;
        this.extended = this.engine.wire().send(this.socket, this.target, this.body, this.call);
        this.deadlineNanos = cutToDeadline(System.nanoTime() + this.options.timeout().toNanos());
    }

    private void sendProbe() {
        this.socket = borrow();
        this.probing = true;
        MdpWire.INSTANCE.send(this.socket, Mdp.MMI_SERVICE, List.of(this.target.getBytes(StandardCharsets.US_ASCII)),
                this.call);
        this.deadlineNanos = cutToDeadline(
                System.nanoTime() + Math.max(this.options.timeout().toNanos(), MIN_PROBE_NANOS));
    }

    private ZMQ.Socket borrow() {
        this.connectionEpoch = this.engine.connectionEpoch();
        return this.sockets.borrow();
    }

    /**
     * Tells whether the broker's connection was lost since the current socket was taken: what was
     * sent on it will get no answer.
     */
    boolean isAttemptLost() {
        return this.socket != null && !this.done && this.engine.connectionEpoch() != this.connectionEpoch;
    }

    /**
     * Gives the current wait up at once because the broker's connection was lost, as if it had timed
     * out with no attempt left: only a client over several brokers watches its connections, and its
     * exchanges make one attempt each, so the call moves on to another broker now instead of after a
     * timeout and a probe that cannot be answered. The exchange is complete afterwards.
     */
    void onConnectionLost() {
        if (this.socket != null) {
            this.sockets.discard(this.socket);
            this.socket = null;
        }
        this.negotiating = false;
        giveUp();
    }

    /** A wait never outlasts a deadline the caller set. */
    private long cutToDeadline(long nanos) {
        return (this.hardDeadline && nanos - this.call.deadlineNanos() > 0) ? this.call.deadlineNanos() : nanos;
    }

    /**
     * Handles a message received on the current socket.
     * @return {@code true} when the exchange is complete
     */
    boolean onMessage(FrameBuffer frames) {
        if (this.engine.wire().absorb(frames)) {
            if (this.negotiating) {
                this.negotiating = false;
                sendAttempt();
            }
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
        // None of the answers below is retried: each is the far end's word on this request, and sending
        // it again would only do the refused or failed work again.
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
            finish(ClientOutcome.SUCCESS, () -> this.future.complete(reply));
        }
        return true;
    }

    /**
     * Handles the end of the current step: a wait that passed without a reply, or a pause that is over.
     * @return {@code true} when the exchange is complete
     */
    boolean onTimeout() {
        if (this.negotiating) {
            // No answer yet (a broker that is down, or one without MMI): send on the same socket.
            this.negotiating = false;
            sendAttempt();
            return false;
        }
        if (this.socket == null) {
            sendRequest();
            return false;
        }
        this.sockets.discard(this.socket);
        this.socket = null;
        long now = System.nanoTime();
        boolean timeLeft = !this.hardDeadline || this.call.deadlineNanos() - now > 0;
        if (!this.probing && timeLeft && this.attempts < this.options.attempts()) {
            long pauseNanos = this.options.backoff().delayNanos(this.attempts);
            long resendNanos = now + pauseNanos;
            if (!this.hardDeadline || this.call.deadlineNanos() - resendNanos > 0) {
                logger.debug("No reply from '{}' at {}; retrying in {} ms", this.target, this.engine.endpoint(),
                        TimeUnit.NANOSECONDS.toMillis(pauseNanos));
                this.engine.listener().clientRetry(this.target);
                if (pauseNanos == 0) {
                    sendRequest();
                }
                else {
                    this.deadlineNanos = resendNanos;
                }
                return false;
            }
        }
        if (!this.probing && timeLeft && this.engine.wire().canProbe(this.target)) {
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
        abort(new PirateException("Client for " + this.engine.endpoint() + " closed before '" + this.target
                + "' replied", this.target, this.engine.endpoint()));
    }

    /**
     * Ends the exchange with a failure of the client's own (closing, a dead loop, an interrupt),
     * unless its outcome is already decided; closes its socket either way.
     */
    void abort(PirateException failure) {
        if (this.socket != null) {
            this.sockets.discard(this.socket);
            this.socket = null;
        }
        if (this.done) {
            return;
        }
        // The future first, the listener second: this runs as a loop fails, where a listener that
        // throws must not leave the caller waiting.
        this.done = true;
        deliver(() -> this.future.completeExceptionally(failure));
        this.engine.listener().clientRequestCompleted(this.target, ClientOutcome.FAILED, elapsedNanos());
    }

    private void complete(ClientOutcome outcome, PirateException failure) {
        if (!this.done) {
            finish(outcome, () -> this.future.completeExceptionally(failure));
        }
    }

    /**
     * Tells the listener, then completes the future. Decided only once the listener returned: a
     * listener that throws an {@link Error} kills the loop, whose shut-down must still be able to
     * fail this exchange rather than find it done with a future nobody completes.
     */
    private void finish(ClientOutcome outcome, Runnable completion) {
        this.engine.listener().clientRequestCompleted(this.target, outcome, elapsedNanos());
        this.done = true;
        deliver(completion);
    }

    private void deliver(Runnable completion) {
        try {
            this.completions.execute(completion);
        }
        catch (RejectedExecutionException ex) {
            // The executor is shutting down before the client (an application context closing): the
            // caller still gets its outcome, on this thread, rather than a future that never completes.
            completion.run();
        }
    }

    private long elapsedNanos() {
        return System.nanoTime() - this.startNanos;
    }
}
