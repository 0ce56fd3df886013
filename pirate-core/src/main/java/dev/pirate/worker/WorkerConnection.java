package dev.pirate.worker;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.protocol.ErrorReply;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.protocol.RefusalReason;
import dev.pirate.support.FrameBuffer;
import dev.pirate.support.RateLimitedLog;
import dev.pirate.support.Sockets;

/**
 * One worker conversation slot (MDP/0.1, or a Pirate queue's protocol): one thread and, while connected, one DEALER socket.
 * <p>
 * On MDP/0.1, each conversation first asks the broker whether it speaks PX/1 ({@code docs/rfc/px-1.md},
 * section 5) and sends READY when the answer comes, or after one heartbeat interval (2 s at least)
 * without one. A
 * PX/1 broker then puts a PX frame in every REQUEST: the caller's request id and deadline, which
 * the handler gets in its {@link RequestContext}; a request whose deadline has passed is skipped.
 * <p>
 * The socket is owned by the connection thread, except while the handler runs: then the thread
 * publishes the socket (a volatile write) so the {@link HeartbeatKeeper} may borrow it, one
 * compare-and-set at a time, to send the heartbeats that keep a slow handler's worker registered.
 * Ownership moves only through {@link #owner}, so the socket is never used by two threads at once.
 * Every send but the first on a fresh socket (the PX/1 question) is non-blocking, so the keeper holds
 * the socket for microseconds at most, and a pipe that a vanished broker leaves full never wedges the
 * loop.
 * <p>
 * What the broker sends (invalid messages, requests that make the handler fail, silence) is logged
 * at most once a second per kind of trouble. Anything the loop cannot survive, an {@link Error}
 * other than the handler failures it reports to the caller, ends the connection and is handed to
 * the worker, which stops.
 */
final class WorkerConnection implements Runnable {

    private static final Logger logger = LoggerFactory.getLogger(WorkerConnection.class);

    private static final long MAX_WAIT_MILLIS = 100;

    private static final int DISCONNECT_LINGER_MILLIS = 500;

    /** Spins before the loop yields the CPU while the keeper finishes a heartbeat. */
    private static final int RECLAIM_SPINS = 100;

    /** What network input makes a worker log; shared by every connection, each kind once a second. */
    private enum Trouble {
        INVALID_MESSAGE, HANDLER_FAILED, CONNECTION_LOST, BROKER_SILENT, REPLY_DROPPED
    }

    private enum Notice {
        BROKER_DISCONNECTED
    }

    private static final RateLimitedLog<Trouble> troubles = new RateLimitedLog<>(logger, RateLimitedLog.Level.WARN,
            Trouble.class);

    private static final RateLimitedLog<Notice> notices = new RateLimitedLog<>(logger, RateLimitedLog.Level.INFO,
            Notice.class);

    static final int OWNED_BY_LOOP = 0;

    static final int HANDLER_RUNNING = 1;

    static final int OWNED_BY_KEEPER = 2;

    private final MajordomoWorker.Settings settings;

    /** The broker this connection talks to: one of the worker's endpoints. */
    private final String endpoint;

    /**
     * The framing of the current conversation: the worker's protocol, or its PX/1 variant once the
     * broker said it speaks PX/1. Written by the connection thread before READY, so before the
     * keeper may borrow the socket.
     */
    private WorkerProtocol protocol;

    /** The context of every request of a conversation without PX/1: the service and nothing else. */
    private final RequestContext plainContext;

    private final ZContext context;

    private final CountDownLatch stopSignal;

    private final Consumer<Throwable> onDeath;

    private final AtomicInteger owner = new AtomicInteger(OWNED_BY_LOOP);

    private final long heartbeatNanos;

    /**
     * How late a heartbeat may be before it counts as missed. Broker and worker each look at their
     * clocks at most every {@link #MAX_WAIT_MILLIS}, so a heartbeat sent on time can arrive a
     * little after one interval of silence; without this allowance such near misses were counted
     * (and shown in the heartbeats-missed metric) although nothing was wrong.
     */
    private final long heartbeatGraceNanos;

    /**
     * How long the PX/1 question waits for its answer before the conversation goes on in plain
     * MDP/0.1: one heartbeat interval, but never less than two handshake limits. A fresh connection
     * that JeroMQ stalls is made again after one handshake limit, and the question goes over the new
     * one; with a short heartbeat the worker would otherwise settle for plain MDP/0.1 (no credit, no
     * request ids or deadlines) for the whole conversation because of one slow connection.
     */
    private final long negotiationWaitNanos;

    private final Backoff backoff;

    /** Whether requests go to a {@link HandlerPool} (worker credit) instead of running on this thread. */
    private final boolean pooled;

    /** The handler threads of a pooled connection; created and closed by the connection thread. */
    private HandlerPool pool;

    /** Waits on the broker socket and the pool's wake-ups; pooled connections only. */
    private ZMQ.Poller poller;

    /** Counts conversations, so answers and queued requests of a lost one are dropped. */
    private volatile long conversation;

    /** Whether this conversation's broker was seen to give no credit (a request without a ticket). */
    private boolean creditRefusalLogged;

    private ZMQ.Socket socket;

    /** When a command was last sent; guarded by {@link #owner}. */
    private long lastSentNanos;

    /** Whether READY has been sent in the current conversation; before it, the worker is negotiating. */
    private volatile boolean connected;

    /** When READY was sent in the current conversation; liveness counts from it. Connection thread only. */
    private long readySentNanos;

    /** Whether the broker has answered READY in the current conversation (a heartbeat or a request). */
    private volatile boolean registered;

    /**
     * When this connection's last registration ended, or when the connection was created; a
     * registration ends with the last message heard from the broker. {@link System#nanoTime()}.
     */
    private volatile long unregisteredSinceNanos = System.nanoTime();

    /** When the broker was last heard from; {@link System#nanoTime()}, guarded by the connection thread. */
    private long lastHeardNanos;

    private volatile long lastHeardMillis;

    /** Conversations begun after a lost one; written by the connection thread only. */
    private volatile long reconnects;

    /**
     * Creates a connection; {@link #run()} runs it.
     * @param endpoint the broker to connect to, one of the worker's endpoints
     * @param onDeath told, on the connection thread as it ends, of anything the loop could not survive
     */
    WorkerConnection(MajordomoWorker.Settings settings, String endpoint, ZContext context, CountDownLatch stopSignal,
            Consumer<Throwable> onDeath) {
        this.settings = settings;
        this.endpoint = endpoint;
        this.protocol = settings.protocol();
        this.plainContext = RequestContext.of(settings.service());
        this.context = context;
        this.stopSignal = stopSignal;
        this.onDeath = onDeath;
        this.heartbeatNanos = settings.heartbeatInterval().toNanos();
        this.heartbeatGraceNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS), this.heartbeatNanos / 2);
        this.negotiationWaitNanos = Math.max(this.heartbeatNanos,
                TimeUnit.MILLISECONDS.toNanos(2L * Sockets.HANDSHAKE_MILLIS));
        this.backoff = new Backoff(settings.reconnectDelay(), settings.maxReconnectDelay());
        // One handler thread gains nothing from a pool: the connection thread runs the requests in turn.
        this.pooled = settings.prefetch() > 1 && settings.concurrency() > 1;
    }

    String endpoint() {
        return this.endpoint;
    }

    boolean isConnected() {
        return this.connected;
    }

    boolean isRegistered() {
        return this.registered;
    }

    long unregisteredSinceNanos() {
        return this.unregisteredSinceNanos;
    }

    long lastHeardMillis() {
        return this.lastHeardMillis;
    }

    long reconnects() {
        return this.reconnects;
    }

    private boolean stopping() {
        return this.stopSignal.getCount() == 0;
    }

    @Override
    public void run() {
        try {
            if (this.pooled) {
                this.pool = new HandlerPool(this.context, this.settings.concurrency(), this.settings.prefetch(),
                        this.settings.threadFactory(), Thread.currentThread().getName(),
                        (job) -> callHandler(job.body(), job.context()), () -> this.conversation, this.onDeath);
            }
            converseUntilStopped();
        }
        catch (Throwable ex) {
            this.onDeath.accept(ex);
        }
        finally {
            if (this.pool != null) {
                this.pool.close(MAX_WAIT_MILLIS);
            }
        }
    }

    private void converseUntilStopped() {
        FrameBuffer frames = new FrameBuffer(Long.MAX_VALUE, Integer.MAX_VALUE);
        boolean first = true;
        while (!stopping()) {
            if (!first) {
                this.reconnects++;
                this.settings.listener().workerReconnect(this.settings.service());
                if (awaitStop(this.backoff.nextDelayMillis())) {
                    break;
                }
            }
            first = false;
            try {
                converse(frames);
            }
            catch (RuntimeException ex) {
                if (!stopping()) {
                    troubles.log(Trouble.CONNECTION_LOST, "Worker for '{}' lost its connection: {}",
                            this.settings.service(), ex.toString());
                }
            }
            finally {
                closeSocket();
            }
        }
    }

    /**
     * One conversation: the PX/1 question (unless turned off), READY, then requests and heartbeats
     * until the broker goes quiet or says DISCONNECT.
     */
    private void converse(FrameBuffer frames) {
        this.conversation++;
        this.creditRefusalLogged = false;
        openSocket();
        long now = System.nanoTime();
        long lastHeard = now;
        int missed = 0;
        while (true) {
            if (stopping()) {
                if (this.pooled) {
                    answerRunningRequests(frames);
                }
                // Before READY the broker does not know this worker: there is nobody to say goodbye to.
                if (this.connected) {
                    this.protocol.sendDisconnect(this.socket);
                    // Give DISCONNECT a moment to leave; every other close drops what is queued.
                    this.socket.setLinger(DISCONNECT_LINGER_MILLIS);
                }
                return;
            }
            boolean received = this.pooled ? receivePooled(frames) : frames.receive(this.socket);
            now = System.nanoTime();
            if (received) {
                lastHeard = now;
                missed = 0;
                this.lastHeardNanos = now;
                this.lastHeardMillis = System.currentTimeMillis();
                if (!onMessage(frames, now)) {
                    return;
                }
            }
            if (!this.connected) {
                // PX/1 section 5: no answer within the wait is a broker without PX/1.
                if (now - this.lastSentNanos >= this.negotiationWaitNanos) {
                    sendReady();
                }
                continue;
            }
            if (!received && this.protocol.heartbeats()) {
                // A broker heartbeats registered workers only, so silence counts from READY at the earliest.
                long silentFor = now - Math.max(lastHeard, this.readySentNanos);
                if (silentFor >= this.heartbeatNanos * (missed + 1) + this.heartbeatGraceNanos) {
                    missed++;
                    this.settings.listener().workerHeartbeatMissed(this.settings.service());
                    if (missed >= this.settings.liveness()) {
                        troubles.log(Trouble.BROKER_SILENT, "Broker {} silent for {} heartbeats; reconnecting '{}'",
                                this.endpoint, missed, this.settings.service());
                        return;
                    }
                }
            }
            if (this.protocol.heartbeats() && now - this.lastSentNanos >= this.heartbeatNanos) {
                sendHeartbeat();
            }
        }
    }

    /** Returns {@code false} when the conversation is over. */
    private boolean onMessage(FrameBuffer frames, long receivedNanos) {
        switch (this.protocol.classify(frames)) {
            case REQUEST -> {
                if (!this.connected) {
                    // No broker sends a request to a worker that has not said READY.
                    invalidMessage();
                    return true;
                }
                onBrokerAnswered();
                return handle(frames, receivedNanos);
            }
            case HEARTBEAT -> {
                // Before READY a heartbeat only shows the broker is alive, not that it registered us.
                if (this.connected) {
                    onBrokerAnswered();
                }
            }
            case NEGOTIATION -> onNegotiationAnswer(frames);
            case DISCONNECT -> {
                notices.log(Notice.BROKER_DISCONNECTED, "Broker {} disconnected worker for '{}'",
                        this.endpoint, this.settings.service());
                return false;
            }
            case INVALID -> invalidMessage();
        }
        return true;
    }

    private void invalidMessage() {
        troubles.log(Trouble.INVALID_MESSAGE, "Worker for '{}' dropped an invalid message from {}",
                this.settings.service(), this.endpoint);
    }

    /**
     * Registers in the protocol the broker's answer chose. An answer after the worker gave up waiting
     * is ignored: the RFC keeps a connection that sent a plain READY in plain MDP/0.1 to its end.
     */
    private void onNegotiationAnswer(FrameBuffer answer) {
        if (this.connected) {
            logger.debug("Worker for '{}' ignored a late PX/1 answer from {}", this.settings.service(),
                    this.endpoint);
            return;
        }
        this.protocol = this.protocol.negotiated(answer);
        if (logger.isDebugEnabled()) {
            logger.debug("Worker for '{}' registers with {} in {}", this.settings.service(), this.endpoint,
                    (this.protocol == this.settings.protocol()) ? "MDP/0.1" : "PX/1");
        }
        sendReady();
    }

    /**
     * A broker heartbeats and sends requests only to workers it has registered, so either one proves
     * that READY was accepted; READY itself is never acknowledged.
     */
    private void onBrokerAnswered() {
        this.backoff.reset();
        this.registered = true;
    }

    /** Returns {@code false} when the conversation is over. */
    private boolean handle(FrameBuffer frames, long receivedNanos) {
        String service = this.settings.service();
        RequestContext context = this.plainContext;
        byte[] px = this.protocol.pxFrame(frames);
        if (px != null) {
            context = RequestContext.received(service, PirateExtension.requestId(px), PirateExtension.deadlineMillis(px),
                    receivedNanos).withTraceContext(PirateExtension.traceContext(px));
            if (context.isExpired()) {
                return skipExpired(frames, context);
            }
        }
        List<byte[]> body = List.of(frames.copyFrom(this.protocol.bodyStart(frames)));
        if (this.pooled) {
            queue(frames, px, body, context);
            return true;
        }
        this.owner.set(HANDLER_RUNNING);
        List<byte[]> reply;
        try {
            reply = callHandler(body, context);
        }
        finally {
            reclaimSocket();
        }
        if (this.protocol.sendReply(this.socket, frames, reply)) {
            this.lastSentNanos = System.nanoTime();
        }
        else {
            // The broker has not read the last thousand messages: it is gone or wedged, and its liveness
            // check will tell. The client's retry asks again; blocking here would only deafen the loop.
            replyDropped();
        }
        return true;
    }

    /**
     * Runs the handler; on the connection thread, or on a {@link HandlerPool} thread.
     * @return the reply, or an error reply if the handler failed
     */
    private List<byte[]> callHandler(List<byte[]> body, RequestContext context) {
        String service = this.settings.service();
        long start = System.nanoTime();
        List<byte[]> reply;
        boolean success;
        try {
            reply = this.settings.handler().handle(body, context);
            success = reply != null && !reply.isEmpty();
            if (!success) {
                reply = ErrorReply.body(service + ": handler returned no reply frames");
            }
        }
        catch (Exception | LinkageError | AssertionError ex) {
            // Errors a handler can cause are reported like exceptions; the connection must survive them.
            // The caller gets the failure; a validation error is routine, so its stack is for DEBUG.
            troubles.log(Trouble.HANDLER_FAILED, "Handler of '{}' failed: {}", service, ex.toString());
            logger.debug("Handler of '{}' failed", service, ex);
            reply = ErrorReply.body(service + ": " + ErrorReply.describe(ex, this.settings.exposeExceptionDetails()));
            success = false;
        }
        this.settings.listener().workerRequestCompleted(service, success, System.nanoTime() - start);
        return reply;
    }

    private void replyDropped() {
        troubles.log(Trouble.REPLY_DROPPED, "Worker for '{}' dropped a reply: {} is not reading",
                this.settings.service(), this.endpoint);
    }

    // --- pooled connections (worker credit) ---

    /**
     * Hands a request to the handler pool. A broker that holds to the credit offered never sends more
     * than the pool can queue; one that does gets an {@code overloaded} refusal (PX/1 section 5.1).
     */
    private void queue(FrameBuffer frames, byte[] px, List<byte[]> body, RequestContext context) {
        long ticket = (px != null) ? PirateExtension.ticket(px) : -1;
        if (ticket < 0 && !this.creditRefusalLogged) {
            this.creditRefusalLogged = true;
            logger.warn("Broker {} gives service '{}' no worker credit (it does not speak PX/1 section 5.1): this "
                    + "connection takes one request at a time; use prefetch 1 for {} connections instead",
                    this.endpoint, this.settings.service(), this.settings.concurrency());
        }
        if (this.pool.unanswered() >= this.settings.prefetch()) {
            List<byte[]> refusal = List.of(PirateExtension.refusalBody(RefusalReason.OVERLOADED,
                    "Service '" + this.settings.service() + "' was sent more requests than its credit"));
            if (this.protocol.sendReply(this.socket, frames, refusal)) {
                this.lastSentNanos = System.nanoTime();
            }
            else {
                replyDropped();
            }
            return;
        }
        this.pool.submit(new HandlerPool.Job(this.conversation, frames.get(3), ticket, body, context));
    }

    /**
     * Sends the answers the handlers have finished, then waits, at most one poll interval, for a
     * message from the broker or another answer.
     * @return whether a message from the broker is in {@code frames}
     */
    private boolean receivePooled(FrameBuffer frames) {
        sendAnswers();
        if (frames.receiveNow(this.socket)) {
            return true;
        }
        awaitBrokerOrAnswer();
        sendAnswers();
        return frames.receiveNow(this.socket);
    }

    private void awaitBrokerOrAnswer() {
        if (this.pool.prepareToWait()) {
            this.poller.poll(MAX_WAIT_MILLIS);
            this.pool.doneWaiting();
        }
    }

    private void sendAnswers() {
        this.pool.drainWakes();
        HandlerPool.Done done;
        while ((done = this.pool.pollDone()) != null) {
            HandlerPool.Job job = done.job();
            if (job.conversation() != this.conversation) {
                // The broker that gave it was lost: it has given the request to another worker.
                continue;
            }
            if (this.protocol.sendReply(this.socket, job.client(), job.ticket(), done.reply())) {
                this.lastSentNanos = System.nanoTime();
            }
            else {
                replyDropped();
            }
        }
    }

    /**
     * On stop: requests no handler has started are dropped, and so are those the broker sends
     * meanwhile (it gives them all to another worker when this one says DISCONNECT); those running
     * are awaited and answered. The worker's grace period bounds the wait.
     */
    private void answerRunningRequests(FrameBuffer frames) {
        this.pool.dropQueued();
        while (this.pool.unanswered() > 0) {
            awaitBrokerOrAnswer();
            // Read, or the poller would return at once until the handlers finish.
            while (frames.receiveNow(this.socket)) {
                // Dropped: a request the broker sent now goes to another worker after DISCONNECT.
            }
            sendAnswers();
            // Still alive for the broker, which would otherwise give the running requests to another worker.
            if (this.connected && System.nanoTime() - this.lastSentNanos >= this.heartbeatNanos) {
                sendHeartbeat();
            }
        }
    }

    /**
     * Skips a request whose caller has stopped waiting (PX/1, section 5): the handler is not called,
     * and the reply is an {@code expired} refusal. A broker counts a worker busy until it replies, so
     * the refusal is what frees this connection for the next request; a PX/1 caller still waiting by
     * some clock skew learns why.
     * @return {@code false} if the broker is not reading: the conversation is over
     */
    private boolean skipExpired(FrameBuffer frames, RequestContext context) {
        String service = this.settings.service();
        this.settings.listener().workerRequestExpired(service);
        if (logger.isDebugEnabled()) {
            logger.debug("Worker for '{}' skipped request {}: its caller's deadline had passed", service,
                    context.requestIdHex().orElse("without id"));
        }
        List<byte[]> refusal = List.of(PirateExtension.refusalBody(RefusalReason.EXPIRED,
                "The caller's deadline had passed when service '" + service + "' received the request"));
        if (this.protocol.sendReply(this.socket, frames, refusal)) {
            this.lastSentNanos = System.nanoTime();
            return true;
        }
        replyDropped();
        return true;
    }

    /**
     * Waits while the keeper finishes a heartbeat it is sending. Its sends never block, so that takes
     * microseconds; if the keeper thread was descheduled meanwhile, the loop yields instead of spinning.
     */
    private void reclaimSocket() {
        for (int spins = 0; !this.owner.compareAndSet(HANDLER_RUNNING, OWNED_BY_LOOP); spins++) {
            if (spins < RECLAIM_SPINS) {
                Thread.onSpinWait();
            }
            else {
                Thread.yield();
            }
        }
    }

    /**
     * Called by the keeper: sends a heartbeat if the handler has been running for a heartbeat interval.
     */
    void heartbeatIfHandlerRunning(long now) {
        if (!this.owner.compareAndSet(HANDLER_RUNNING, OWNED_BY_KEEPER)) {
            return;
        }
        try {
            if (now - this.lastSentNanos >= this.heartbeatNanos) {
                sendHeartbeat();
            }
        }
        finally {
            this.owner.set(HANDLER_RUNNING);
        }
    }

    private void openSocket() {
        this.socket = Sockets.create(this.context, SocketType.DEALER);
        if (this.settings.security() != null) {
            this.settings.security().applyTo(this.socket);
        }
        this.socket.setReceiveTimeOut((int) Math.min(MAX_WAIT_MILLIS, this.settings.heartbeatInterval().toMillis()));
        // The credit the worker offers never fills its receiving pipe: JeroMQ 0.6.0 splits multipart
        // messages when a CURVE connection's receiving pipe is at its high-water mark.
        this.socket.setRcvHWM((int) Math.max(1000L, 2L * this.settings.prefetch()));
        this.socket.connect(this.endpoint);
        if (this.pooled) {
            this.poller = this.context.createPoller(2);
            this.poller.register(this.socket, ZMQ.Poller.POLLIN);
            this.poller.register(this.pool.wakeReceiver(), ZMQ.Poller.POLLIN);
        }
        this.protocol = this.settings.protocol();
        if (this.settings.pirateExtension() && this.protocol.sendQuestion(this.socket)) {
            this.lastSentNanos = System.nanoTime();
        }
        else {
            sendReady();
        }
    }

    /** READY ends negotiation: from now on the broker may know this worker. */
    private void sendReady() {
        if (!this.protocol.sendReady(this.socket, this.settings.service(), this.settings.prefetch())) {
            // At most the question is ahead of READY in the pipe, so it is never full here in practice.
            throw new IllegalStateException("READY could not be queued to " + this.endpoint);
        }
        this.lastSentNanos = System.nanoTime();
        this.readySentNanos = this.lastSentNanos;
        this.connected = true;
        this.settings.listener().workerConnected(this.settings.service());
    }

    /** A heartbeat the socket cannot take now (its pipe is full) is skipped; the next one is due at once. */
    private void sendHeartbeat() {
        if (this.protocol.sendHeartbeat(this.socket)) {
            this.lastSentNanos = System.nanoTime();
        }
    }

    private void closeSocket() {
        if (this.poller != null) {
            this.poller.close();
            this.poller = null;
        }
        if (this.socket != null) {
            this.socket.close();
            this.socket = null;
            if (this.registered) {
                // A broker that went silent stopped serving us when it was last heard, not when we gave up.
                this.unregisteredSinceNanos = this.lastHeardNanos;
                this.registered = false;
            }
            if (this.connected) {
                this.connected = false;
                this.settings.listener().workerDisconnected(this.settings.service());
            }
        }
    }

    private boolean awaitStop(long millis) {
        try {
            return this.stopSignal.await(millis, TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
