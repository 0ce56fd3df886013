package dev.pirate.broker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import dev.pirate.event.PirateListener;
import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.MdpCommand;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.protocol.RefusalReason;
import dev.pirate.support.ByteKey;
import dev.pirate.support.FrameBuffer;
import dev.pirate.support.RateLimitedLog;

/**
 * The state and rules of a Majordomo broker, driven by one thread that owns the ROUTER socket.
 * <p>
 * Per message the work is O(1): workers and clients are found by routing id in hash maps, each
 * service keeps a FIFO of requests and an intrusive least-recently-used list of idle workers.
 * Heartbeats, expiry and clean-up run on a timer from the same thread and are O(workers +
 * services) per interval.
 * <p>
 * Everything a peer can make the broker hold is bounded ({@link BrokerLimits}): requests per
 * service, bytes of requests and undelivered replies, requests per client, service names, and how
 * often a request outlives the worker that held it. A request the broker will not take, or cannot
 * complete, is answered with a PX/1 refusal when its client negotiated that extension
 * ({@code docs/rfc/px-1.md}); a foreign client gets MDP/0.1 behaviour. A reply whose client's pipe
 * is full waits in that client's backlog instead of being dropped.
 */
final class BrokerEngine {

    private static final Logger logger = LoggerFactory.getLogger(BrokerEngine.class);

    /** What a refusal costs while it waits in a backlog: its frames and the entry. */
    private static final long REFUSAL_BYTES = 256;

    private static final int SENT = 0;

    private static final int PIPE_FULL = 1;

    private static final int PEER_GONE = 2;

    /** Events of the broker's own making that can repeat as often as peers make them. */
    private enum Notice {
        WORKER_EXPIRED, REFUSED, REPLY_TOO_LARGE, REPLY_DROPPED
    }

    private final ZMQ.Socket socket;

    private final PirateListener listener;

    private final long workerLifetimeNanos;

    private final BrokerLimits limits;

    private final ServiceAuthorizer authorizer;

    /**
     * Before this time a service without workers is not yet "unknown": a broker that has just
     * started has not heard from the workers that will re-register after noticing its restart.
     */
    private final long workersExpectedByNanos;

    private final Map<ByteKey, WorkerEntry> workers = new HashMap<>();

    private final Map<ByteKey, ServiceEntry> services = new HashMap<>();

    private final Map<ByteKey, ClientEntry> clients = new HashMap<>();

    private final ArrayDeque<ClientEntry> backlogged = new ArrayDeque<>();

    /** Held requests by PX/1 request id, so a retry of the same call finds its first attempt. */
    private final Map<ByteKey, PendingRequest> byRequestId = new HashMap<>();

    /** Answers whose client had left, by request id, for the call's next attempt. */
    private final Map<ByteKey, KeptReply> keptReplies = new HashMap<>();

    /**
     * When each kept answer expires, in that order (all are kept equally long). Only ids and times:
     * an answer taken by a retry leaves its entry here until it would have expired, and that entry
     * must not hold the answer's bytes, which no longer count against the byte limit.
     */
    private final ArrayDeque<KeptExpiry> keptOrder = new ArrayDeque<>();

    private record KeptExpiry(ByteKey requestId, long expiresAtNanos) {
    }

    private final ByteKey lookup = ByteKey.forLookup();

    private final RateLimitedLog<InvalidReason> invalidLog = new RateLimitedLog<>(logger, RateLimitedLog.Level.WARN,
            InvalidReason.class);

    private final RateLimitedLog<Notice> noticeLog = new RateLimitedLog<>(logger, RateLimitedLog.Level.INFO,
            Notice.class);

    private long workersExpired;

    private long invalidMessages;

    private long requestsExpired;

    private long requestsRefused;

    private long repliesDropped;

    private long retriesCoalesced;

    /** Bytes of requests held and of replies and refusals waiting in backlogs. */
    private long heldBytes;

    BrokerEngine(ZMQ.Socket socket, PirateListener listener, long heartbeatNanos, int liveness, BrokerLimits limits) {
        this(socket, listener, heartbeatNanos, liveness, limits, ServiceAuthorizer.ALLOW_ALL);
    }

    BrokerEngine(ZMQ.Socket socket, PirateListener listener, long heartbeatNanos, int liveness, BrokerLimits limits,
            ServiceAuthorizer authorizer) {
        this.socket = socket;
        this.authorizer = authorizer;
        this.listener = listener;
        this.workerLifetimeNanos = heartbeatNanos * liveness;
        this.limits = limits;
        // Workers notice a restarted broker after their own liveness and reconnect after a back-off
        // that may have grown while it was down.
        this.workersExpectedByNanos = System.nanoTime() + limits.workerReturnNanos();
    }

    /**
     * Handles one received message.
     * @param frames the message, starting with the sender's routing id
     * @param now the current {@link System#nanoTime()}
     */
    void onMessage(FrameBuffer frames, long now) {
        byte[] sender = frames.get(0);
        if (frames.size() < 3 || frames.get(1).length != 0) {
            reject(sender, frames.isOversized() ? InvalidReason.OVERSIZED : InvalidReason.BAD_HEADER, false);
            return;
        }
        byte[] header = frames.get(2);
        if (Mdp.is(header, Mdp.CLIENT_HEADER)) {
            onClientMessage(frames, sender, now);
        }
        else if (Mdp.is(header, Mdp.WORKER_HEADER)) {
            onWorkerMessage(frames, sender, now);
        }
        else {
            reject(sender, frames.isOversized() ? InvalidReason.OVERSIZED : InvalidReason.BAD_HEADER, false);
        }
    }

    // --- clients ---

    private void onClientMessage(FrameBuffer frames, byte[] client, long now) {
        boolean pirate = frames.size() > 4 && PirateExtension.isPxFrame(frames.get(4));
        if (frames.isOverBudget()) {
            refuseAtIntake(client, frames.size() > 3 ? frames.get(3) : Mdp.EMPTY, pirate, RefusalReason.OVERLOADED,
                    "The broker holds too much unread input to take this request now");
            return;
        }
        if (frames.isOversized()) {
            reject(client, InvalidReason.OVERSIZED, false);
            if (pirate) {
                refuseAtIntake(client, frames.get(3), RefusalReason.TOO_LARGE, "The request is over the broker's limit of "
                        + this.limits.maxMessageSize() + " bytes and " + this.limits.maxFrames() + " frames");
            }
            return;
        }
        int bodyStart = pirate ? 5 : 4;
        if (frames.size() <= bodyStart) {
            reject(client, InvalidReason.MISSING_FRAMES, false);
            if (pirate) {
                refuseAtIntake(client, frames.get(3), RefusalReason.BAD_REQUEST, "A request needs a body frame");
            }
            return;
        }
        byte[] serviceFrame = frames.get(3);
        if (!Mdp.isValidServiceName(serviceFrame)) {
            reject(client, InvalidReason.BAD_SERVICE, false);
            return;
        }
        if (pirate && !PirateExtension.isWellFormed(frames.get(4))) {
            reject(client, InvalidReason.BAD_EXTENSION, false);
            refuseAtIntake(client, serviceFrame, RefusalReason.BAD_REQUEST, "Malformed PX frame");
            return;
        }
        if (startsWithMmi(serviceFrame)) {
            answerMmi(frames, client, serviceFrame, bodyStart);
            return;
        }
        if (!this.authorizer.mayCall(serviceFrame, frames)) {
            refuseAtIntake(client, serviceFrame, pirate, RefusalReason.FORBIDDEN, "Not allowed to call service '"
                    + new String(serviceFrame, StandardCharsets.US_ASCII) + "'");
            return;
        }
        byte[] requestId = pirate ? PirateExtension.requestId(frames.get(4)) : null;
        long deadlineMillis = pirate ? PirateExtension.deadlineMillis(frames.get(4)) : -1;
        if (requestId != null && (joinHeldCall(requestId, client, serviceFrame, deadlineMillis, now)
                || answerFromKept(requestId, client))) {
            return;
        }
        ServiceEntry service = this.services.get(this.lookup.wrap(serviceFrame));
        if (pirate && service != null && service.workers == 0
                && now - service.orphanSinceNanos >= this.limits.unknownServiceGraceNanos()) {
            refuseAtIntake(client, serviceFrame, RefusalReason.UNKNOWN_SERVICE, unknownServiceText(service));
            return;
        }
        if (service == null && this.services.size() >= this.limits.maxServices()) {
            refuseAtIntake(client, serviceFrame, pirate, RefusalReason.TOO_MANY_SERVICES,
                    "The broker knows " + this.limits.maxServices() + " services, its limit");
            return;
        }
        if (service != null && service.requests.size() >= this.limits.maxQueuedRequests()) {
            refuseAtIntake(client, serviceFrame, pirate, RefusalReason.OVERLOADED, "Service '" + service.name + "' has "
                    + this.limits.maxQueuedRequests() + " requests waiting, its limit");
            return;
        }
        ClientEntry entry = this.clients.get(this.lookup.wrap(client));
        if (entry != null && entry.outstanding >= this.limits.maxClientRequests()) {
            refuseAtIntake(client, serviceFrame, pirate, RefusalReason.OVERLOADED, "This connection has "
                    + this.limits.maxClientRequests() + " requests in the broker, its limit");
            return;
        }
        byte[][] body = frames.copyFrom(bodyStart);
        long bytes = PendingRequest.chargeOf(body);
        if (this.heldBytes + bytes > this.limits.maxQueuedBytes()) {
            refuseAtIntake(client, serviceFrame, pirate, RefusalReason.OVERLOADED,
                    "The broker holds its limit of " + this.limits.maxQueuedBytes() + " bytes of requests");
            return;
        }
        if (service == null) {
            service = newService(serviceFrame, now);
        }
        if (entry == null) {
            entry = newClient(client);
        }
        ByteKey id = (requestId != null) ? ByteKey.copyOf(requestId) : null;
        PendingRequest request = new PendingRequest(service, entry, body, now, pirate, id);
        request.deadline(now, deadlineMillis);
        request.traceContext = pirate ? PirateExtension.traceContext(frames.get(4)) : null;
        if (id != null) {
            this.byRequestId.putIfAbsent(id, request);
        }
        entry.outstanding++;
        this.heldBytes += request.bytes;
        service.requests.addLast(request);
        this.listener.brokerRequest(service.name);
        dispatch(service);
        this.listener.brokerQueueLength(service.name, service.requests.size());
    }

    private void answerMmi(FrameBuffer frames, byte[] client, byte[] serviceFrame, int bodyStart) {
        byte[][] answer;
        if (Mdp.is(serviceFrame, Mdp.MMI_SERVICE_FRAME)) {
            // RFC 8: the first body frame names the service; frames after it are not part of the name.
            ServiceEntry asked = this.services.get(this.lookup.wrap(frames.get(bodyStart)));
            answer = new byte[][] { (asked != null && asked.workers > 0) ? Mdp.MMI_FOUND : Mdp.MMI_NOT_FOUND };
        }
        else if (Mdp.is(serviceFrame, PirateExtension.MMI_PIRATE_FRAME)
                && Arrays.equals(frames.get(bodyStart), PirateExtension.VERSION)) {
            answer = new byte[][] { Mdp.MMI_FOUND, PirateExtension.VERSION };
        }
        else {
            answer = new byte[][] { Mdp.MMI_NOT_IMPLEMENTED };
        }
        if (trySend(client, serviceFrame, answer) == PIPE_FULL) {
            dropReply("client-pipe-full", "MMI answer to {} dropped: its pipe is full", client);
        }
    }

    /**
     * A retry of a call whose request the broker still holds (waiting or with a worker): no second
     * copy is queued; the answer will go to this newest attempt's connection instead.
     */
    private boolean joinHeldCall(byte[] requestId, byte[] client, byte[] serviceFrame, long deadlineMillis, long now) {
        PendingRequest held = this.byRequestId.get(this.lookup.wrap(requestId));
        if (held == null || !Arrays.equals(held.service.nameFrame, serviceFrame)) {
            return false;
        }
        ClientEntry entry = this.clients.get(this.lookup.wrap(client));
        if (entry != held.client) {
            if (entry == null) {
                entry = newClient(client);
            }
            entry.outstanding++;
            answered(held.client);
            held.client = entry;
        }
        held.pirateClient = true;
        held.deadline(now, deadlineMillis);
        this.retriesCoalesced++;
        this.listener.brokerRetryCoalesced(held.service.name);
        return true;
    }

    /** A retry of a call whose answer came after its previous attempt's connection had gone. */
    private boolean answerFromKept(byte[] requestId, byte[] client) {
        KeptReply kept = this.keptReplies.remove(this.lookup.wrap(requestId));
        if (kept == null) {
            return false;
        }
        this.heldBytes -= kept.bytes();
        this.retriesCoalesced++;
        ClientEntry entry = this.clients.get(this.lookup.wrap(client));
        if ((entry == null || entry.backlog.isEmpty()) && trySend(client, kept.serviceFrame(), kept.body()) != PIPE_FULL) {
            return true;
        }
        if (entry == null) {
            entry = newClient(client);
        }
        toBacklog(entry, new ClientEntry.Unsent(kept.serviceFrame(), kept.body(), kept.bytes(), false));
        return true;
    }

    /** Keeps the answer of a call whose client left, if it has a request id and there is room. */
    private void keep(PendingRequest request, byte[][] body, long bytes) {
        if (request.requestId == null || this.heldBytes + bytes > this.limits.maxQueuedBytes()) {
            return;
        }
        KeptReply kept = new KeptReply(request.requestId, request.service.nameFrame, body, bytes,
                System.nanoTime() + this.limits.replyRetentionNanos());
        KeptReply previous = this.keptReplies.put(request.requestId, kept);
        if (previous != null) {
            this.heldBytes -= previous.bytes();
        }
        this.heldBytes += bytes;
        this.keptOrder.addLast(new KeptExpiry(kept.requestId(), kept.expiresAtNanos()));
    }

    private void dropExpiredKeptReplies(long now) {
        KeptExpiry oldest;
        while ((oldest = this.keptOrder.peekFirst()) != null && now - oldest.expiresAtNanos() > 0) {
            this.keptOrder.pollFirst();
            KeptReply kept = this.keptReplies.get(oldest.requestId());
            // Skipped if a retry took it, or if the same call's answer was kept again later.
            if (kept != null && kept.expiresAtNanos() == oldest.expiresAtNanos()) {
                this.keptReplies.remove(oldest.requestId());
                this.heldBytes -= kept.bytes();
            }
        }
    }

    private ClientEntry newClient(byte[] client) {
        ClientEntry entry = new ClientEntry(ByteKey.copyOf(client));
        this.clients.put(entry.identity, entry);
        return entry;
    }

    private String unknownServiceText(ServiceEntry service) {
        return "No worker has offered service '" + service.name + "' for "
                + (this.limits.unknownServiceGraceNanos() / 1_000_000L) + " ms";
    }

    private static boolean startsWithMmi(byte[] serviceFrame) {
        return serviceFrame.length >= 4 && serviceFrame[0] == 'm' && serviceFrame[1] == 'm' && serviceFrame[2] == 'i'
                && serviceFrame[3] == '.';
    }

    private ServiceEntry newService(byte[] nameFrame, long now) {
        long orphanSince = (now - this.workersExpectedByNanos < 0) ? this.workersExpectedByNanos : now;
        ServiceEntry service = new ServiceEntry(new String(nameFrame, StandardCharsets.US_ASCII), nameFrame.clone(),
                orphanSince);
        this.services.put(ByteKey.copyOf(nameFrame), service);
        return service;
    }

    // --- workers ---

    private void onWorkerMessage(FrameBuffer frames, byte[] sender, long now) {
        if (frames.size() < 4) {
            reject(sender, frames.isOversized() ? InvalidReason.OVERSIZED : InvalidReason.MISSING_FRAMES, true);
            return;
        }
        MdpCommand command = MdpCommand.fromFrame(frames.get(3));
        WorkerEntry worker = this.workers.get(this.lookup.wrap(sender));
        if (command == null) {
            reject(sender, InvalidReason.UNKNOWN_COMMAND, true);
            return;
        }
        if (frames.isOversized()) {
            PendingRequest answered = (command == MdpCommand.REPLY) ? heldRequestOf(frames, worker) : null;
            if (answered != null) {
                onReplyNotKept(worker, answered, frames.isOverBudget(), now);
            }
            else {
                reject(sender, InvalidReason.OVERSIZED, true);
            }
            return;
        }
        switch (command) {
            case READY -> onReady(frames, sender, worker, now);
            case REPLY -> onReply(frames, sender, worker, now);
            case HEARTBEAT -> onHeartbeat(frames, sender, worker, now);
            case DISCONNECT -> onDisconnect(worker);
            case REQUEST -> reject(sender, InvalidReason.UNEXPECTED_COMMAND, true);
        }
    }

    /**
     * Returns the request a REPLY answers: the one its ticket names (PX/1 section 5.1), or the only one
     * a worker without tickets holds; either way the reply's client address must be the request's.
     * @return the request, or {@code null} if the reply names none that the worker holds
     */
    private static PendingRequest heldRequestOf(FrameBuffer frames, WorkerEntry worker) {
        if (worker == null || worker.held == 0 || frames.size() < 6 || frames.get(5).length != 0) {
            return null;
        }
        PendingRequest request;
        if (worker.ticketed) {
            if (frames.size() < 7 || !PirateExtension.isPxFrame(frames.get(6))
                    || !PirateExtension.isWellFormed(frames.get(6))) {
                return null;
            }
            request = worker.heldByTicket(PirateExtension.ticket(frames.get(6)));
        }
        else {
            request = worker.onlyRequest();
        }
        return (request != null && Arrays.equals(frames.get(4), request.envelope)) ? request : null;
    }

    private void onReady(FrameBuffer frames, byte[] sender, WorkerEntry known, long now) {
        if (known != null) {
            reject(sender, InvalidReason.UNEXPECTED_COMMAND, true);
            return;
        }
        boolean pirate = frames.size() == 6 && PirateExtension.isPxFrame(frames.get(5));
        if (frames.size() != 5 && !pirate) {
            reject(sender, InvalidReason.MISSING_FRAMES, true);
            return;
        }
        if (pirate && !PirateExtension.isWellFormed(frames.get(5))) {
            reject(sender, InvalidReason.BAD_EXTENSION, true);
            return;
        }
        byte[] serviceFrame = frames.get(4);
        if (!Mdp.isValidServiceName(serviceFrame)) {
            reject(sender, InvalidReason.BAD_SERVICE, true);
            return;
        }
        if (startsWithMmi(serviceFrame)) {
            reject(sender, InvalidReason.RESERVED_SERVICE, true);
            return;
        }
        if (!this.authorizer.mayServe(serviceFrame, frames)) {
            reject(sender, InvalidReason.FORBIDDEN, true);
            return;
        }
        ServiceEntry service = this.services.get(this.lookup.wrap(serviceFrame));
        if (service == null) {
            if (this.services.size() >= this.limits.maxServices()) {
                reject(sender, InvalidReason.TOO_MANY_SERVICES, true);
                return;
            }
            service = newService(serviceFrame, now);
        }
        // Credit is offered with a field of READY's PX frame (PX/1 section 5.1); without it, MDP/0.1's one.
        int offered = pirate ? PirateExtension.credit(frames.get(5)) : 0;
        int credit = (offered > 0) ? Math.min(offered, this.limits.maxWorkerCredit()) : 1;
        WorkerEntry worker = new WorkerEntry(ByteKey.copyOf(sender), service, offered > 0, credit);
        worker.pirate = pirate;
        service.orphanSwept = false;
        worker.expiresAtNanos = now + this.workerLifetimeNanos;
        this.workers.put(worker.identity, worker);
        service.workers++;
        logger.debug("Worker {} registered for service '{}'", worker.identity, service.name);
        this.listener.brokerWorkerRegistered(service.name);
        service.addAvailable(worker);
        dispatch(service);
        this.listener.brokerQueueLength(service.name, service.requests.size());
    }

    private void onReply(FrameBuffer frames, byte[] sender, WorkerEntry worker, long now) {
        if (worker == null || worker.held == 0) {
            reject(sender, InvalidReason.UNEXPECTED_COMMAND, true);
            return;
        }
        // A ticketed reply has its PX frame between the empty delimiter and the body.
        int bodyStart = worker.ticketed ? 7 : 6;
        if (frames.size() <= bodyStart || frames.get(5).length != 0) {
            reject(sender, InvalidReason.MISSING_FRAMES, true);
            return;
        }
        PendingRequest request = heldRequestOf(frames, worker);
        if (request == null) {
            reject(sender, InvalidReason.UNEXPECTED_COMMAND, true);
            return;
        }
        ServiceEntry service = worker.service;
        finish(worker, request, now);
        service.served++;
        forwardReply(frames, bodyStart, request, service);
        dispatch(service);
        this.listener.brokerQueueLength(service.name, service.requests.size());
    }

    /**
     * The worker answered, but the broker could not keep the reply (over the size limit, or past the
     * inbound budget): the client is told, the worker stays, and the request is not handed to another
     * worker, whose reply would be as large.
     */
    private void onReplyNotKept(WorkerEntry worker, PendingRequest request, boolean overBudget, long now) {
        ServiceEntry service = worker.service;
        finish(worker, request, now);
        this.repliesDropped++;
        this.listener.brokerReplyDropped(overBudget ? "over-budget" : "too-large");
        this.noticeLog.log(Notice.REPLY_TOO_LARGE, "Reply of a worker of '{}' not kept ({}); the client is refused "
                + "instead", service.name, overBudget ? "inbound budget exhausted" : "over the size limit");
        if (overBudget) {
            answerWithRefusal(request, service, RefusalReason.OVERLOADED, "The broker held too much unread input to "
                    + "keep the reply of service '" + service.name + "'");
        }
        else {
            answerWithRefusal(request, service, RefusalReason.REPLY_TOO_LARGE, "The reply of service '" + service.name
                    + "' is over the broker's limit of " + this.limits.maxMessageSize() + " bytes");
        }
        dispatch(service);
        this.listener.brokerQueueLength(service.name, service.requests.size());
    }

    /**
     * Takes a request off its worker, which moves to the list of its new load: the request is
     * answered (or refused) by the caller.
     */
    private void finish(WorkerEntry worker, PendingRequest request, long now) {
        retire(request);
        worker.release(request);
        worker.expiresAtNanos = now + this.workerLifetimeNanos;
        worker.service.removeAvailable(worker);
        worker.service.addAvailable(worker);
    }

    /** The broker no longer holds the request: its bytes and its request id are free again. */
    private void retire(PendingRequest request) {
        this.heldBytes -= request.bytes;
        if (request.requestId != null) {
            this.byRequestId.remove(request.requestId, request);
        }
    }

    private void onHeartbeat(FrameBuffer frames, byte[] sender, WorkerEntry worker, long now) {
        if (worker == null) {
            reject(sender, InvalidReason.UNEXPECTED_COMMAND, true);
            return;
        }
        if (frames.size() != 4) {
            reject(sender, InvalidReason.MISSING_FRAMES, true);
            return;
        }
        worker.expiresAtNanos = now + this.workerLifetimeNanos;
    }

    private void onDisconnect(WorkerEntry worker) {
        if (worker == null) {
            return;
        }
        logger.debug("Worker {} of '{}' disconnected", worker.identity, worker.service.name);
        forget(worker, System.nanoTime());
    }

    // --- dispatch ---

    private void dispatch(ServiceEntry service) {
        long now = 0;
        while (!service.requests.isEmpty() && service.available > 0) {
            PendingRequest request = service.requests.pollFirst();
            if (request.hasDeadline) {
                now = (now == 0) ? System.nanoTime() : now;
                if (request.isPastDeadline(now)) {
                    abandon(request);
                    continue;
                }
            }
            WorkerEntry worker = service.pollLeastLoaded();
            worker.hold(request);
            if (sendRequest(worker, request)) {
                request.deliveries++;
                service.addAvailable(worker);
            }
            else {
                // The worker's connection is gone (ROUTER_MANDATORY told us): keep the request.
                worker.release(request);
                service.requests.addFirst(request);
                logger.debug("Worker {} of '{}' is unreachable; forgetting it", worker.identity, service.name);
                forget(worker, System.nanoTime());
            }
        }
    }

    private boolean sendRequest(WorkerEntry worker, PendingRequest request) {
        if (sendFirst(worker.identity.bytes()) != SENT) {
            return false;
        }
        this.socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
        this.socket.send(Mdp.WORKER_HEADER, ZMQ.SNDMORE);
        this.socket.send(MdpCommand.REQUEST.frame(), ZMQ.SNDMORE);
        request.envelope = request.client.identity.bytes();
        this.socket.send(request.envelope, ZMQ.SNDMORE);
        this.socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
        if (worker.pirate) {
            this.socket.send(PirateExtension.pxFrame(
                    (request.requestId != null) ? request.requestId.bytes() : null,
                    request.remainingMillis(System.nanoTime()), worker.ticketed ? request.ticket : -1,
                    request.traceContext), ZMQ.SNDMORE);
        }
        sendBody(request.body);
        return true;
    }

    /** Drops a request whose caller's deadline passed: nobody waits for its answer. */
    private void abandon(PendingRequest request) {
        retire(request);
        this.requestsExpired++;
        this.listener.brokerRequestExpired(request.service.name);
        answered(request.client);
    }

    private void sendBody(byte[][] body) {
        for (int i = 0; i < body.length; i++) {
            this.socket.send(body[i], (i < body.length - 1) ? ZMQ.SNDMORE : 0);
        }
    }

    // --- replies and refusals to clients ---

    private void forwardReply(FrameBuffer frames, int bodyStart, PendingRequest request, ServiceEntry service) {
        ClientEntry client = request.client;
        if (client.backlog.isEmpty()) {
            int sent = sendFirst(client.identity.bytes());
            if (sent == SENT) {
                this.socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
                this.socket.send(Mdp.CLIENT_HEADER, ZMQ.SNDMORE);
                this.socket.send(service.nameFrame, ZMQ.SNDMORE);
                frames.sendFrom(this.socket, bodyStart);
                answered(client);
                return;
            }
            if (sent == PEER_GONE) {
                logger.debug("Client {} of '{}' left before its reply", client.identity, service.name);
                byte[][] body = frames.copyFrom(bodyStart);
                keep(request, body, PendingRequest.chargeOf(body));
                answered(client);
                return;
            }
        }
        byte[][] body = frames.copyFrom(bodyStart);
        toBacklog(client, new ClientEntry.Unsent(service.nameFrame, body, PendingRequest.chargeOf(body), true));
    }

    /** Answers an accepted request with a refusal if its client speaks PX/1, else lets it go. */
    private void answerWithRefusal(PendingRequest request, ServiceEntry service, RefusalReason reason, String text) {
        this.requestsRefused++;
        this.listener.brokerRequestRefused(reason.word());
        ClientEntry client = request.client;
        if (!request.pirateClient) {
            answered(client);
            return;
        }
        byte[][] body = PirateExtension.refusalBody(reason, text);
        if (client.backlog.isEmpty()) {
            int sent = trySend(client.identity.bytes(), service.nameFrame, body);
            if (sent == PEER_GONE) {
                keep(request, body, REFUSAL_BYTES);
            }
            if (sent != PIPE_FULL) {
                answered(client);
                return;
            }
        }
        toBacklog(client, new ClientEntry.Unsent(service.nameFrame, body, REFUSAL_BYTES, true));
    }

    private void refuseAtIntake(byte[] client, byte[] serviceFrame, RefusalReason reason, String text) {
        refuseAtIntake(client, serviceFrame, true, reason, text);
    }

    /** Refuses a request the broker did not take: counted always, told to a PX/1 client. */
    private void refuseAtIntake(byte[] client, byte[] serviceFrame, boolean pirate, RefusalReason reason, String text) {
        this.requestsRefused++;
        this.listener.brokerRequestRefused(reason.word());
        this.noticeLog.log(Notice.REFUSED, "Refused a request from {}: {}: {}", FrameBuffer.hex(client), reason.word(),
                text);
        if (!pirate) {
            return;
        }
        byte[][] body = PirateExtension.refusalBody(reason, text);
        ClientEntry entry = this.clients.get(this.lookup.wrap(client));
        if (entry == null || entry.backlog.isEmpty()) {
            if (trySend(client, serviceFrame, body) != PIPE_FULL) {
                return;
            }
        }
        ClientEntry.Unsent last = (entry != null) ? entry.backlog.peekLast() : null;
        if (last != null && last.sameRefusal(serviceFrame, body) && last.copies < Integer.MAX_VALUE) {
            // The same refusal again, to a client that does not read: one more copy, no more memory.
            last.copies++;
            return;
        }
        if (this.heldBytes + REFUSAL_BYTES > this.limits.maxQueuedBytes() + this.limits.refusalReserveBytes()) {
            dropReply("over-limit", "Refusal to {} dropped: its pipe is full and the broker's byte limit is reached",
                    client);
            return;
        }
        if (entry == null) {
            entry = new ClientEntry(ByteKey.copyOf(client));
            this.clients.put(entry.identity, entry);
        }
        toBacklog(entry, new ClientEntry.Unsent(serviceFrame.clone(), body, REFUSAL_BYTES, false));
    }

    private void toBacklog(ClientEntry client, ClientEntry.Unsent message) {
        client.backlog.addLast(message);
        this.heldBytes += message.bytes;
        if (!client.backlogged) {
            client.backlogged = true;
            this.backlogged.addLast(client);
        }
    }

    /** An accepted request of the client got its answer (or its client is gone). */
    private void answered(ClientEntry client) {
        client.outstanding--;
        forgetIfUnused(client);
    }

    private void forgetIfUnused(ClientEntry client) {
        if (client.isUnused()) {
            this.clients.remove(client.identity);
        }
    }

    /**
     * Tells whether some client's pipe was full and replies wait for room.
     * @return {@code true} if {@link #flushBacklogs()} has work
     */
    boolean hasBacklog() {
        return !this.backlogged.isEmpty();
    }

    /**
     * Hands waiting replies to clients whose pipes have room again, in order; a client whose pipe is
     * still full keeps the rest. O(clients with a backlog), and called only while there are some.
     */
    void flushBacklogs() {
        for (int n = this.backlogged.size(); n > 0; n--) {
            ClientEntry client = this.backlogged.pollFirst();
            ClientEntry.Unsent next;
            int sent = SENT;
            while (sent == SENT && (next = client.backlog.peekFirst()) != null) {
                sent = trySend(client.identity.bytes(), next.serviceFrame, next.body);
                if (sent == SENT && --next.copies > 0) {
                    continue;
                }
                if (sent != PIPE_FULL) {
                    client.backlog.pollFirst();
                    this.heldBytes -= next.bytes;
                    if (next.answersRequest) {
                        client.outstanding--;
                    }
                }
            }
            if (sent == PEER_GONE) {
                dropBacklog(client);
            }
            if (client.backlog.isEmpty()) {
                client.backlogged = false;
                forgetIfUnused(client);
            }
            else {
                this.backlogged.addLast(client);
            }
        }
    }

    private void dropBacklog(ClientEntry client) {
        ClientEntry.Unsent gone;
        while ((gone = client.backlog.pollFirst()) != null) {
            this.heldBytes -= gone.bytes;
            if (gone.answersRequest) {
                client.outstanding--;
            }
        }
        logger.debug("Client {} left with replies waiting for it", client.identity);
    }

    private void dropReply(String reason, String format, byte[] client) {
        this.repliesDropped++;
        this.listener.brokerReplyDropped(reason);
        this.noticeLog.log(Notice.REPLY_DROPPED, format, FrameBuffer.hex(client));
    }

    private int trySend(byte[] client, byte[] serviceFrame, byte[][] body) {
        int sent = sendFirst(client);
        if (sent == SENT) {
            this.socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
            this.socket.send(Mdp.CLIENT_HEADER, ZMQ.SNDMORE);
            this.socket.send(serviceFrame, ZMQ.SNDMORE);
            sendBody(body);
        }
        return sent;
    }

    private void sendCommand(byte[] worker, MdpCommand command) {
        if (sendFirst(worker) != SENT) {
            return;
        }
        this.socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
        this.socket.send(Mdp.WORKER_HEADER, ZMQ.SNDMORE);
        this.socket.send(command.frame(), 0);
    }

    /**
     * Sends the routing frame of a message without blocking. With ROUTER_MANDATORY an unknown peer
     * raises EHOSTUNREACH and a full pipe answers EAGAIN; either way nothing has been queued and the
     * caller skips (or keeps) the message. Once the first frame is accepted the rest cannot block.
     */
    private int sendFirst(byte[] identity) {
        try {
            return this.socket.send(identity, ZMQ.SNDMORE | ZMQ.DONTWAIT) ? SENT : PIPE_FULL;
        }
        catch (ZMQException ex) {
            return PEER_GONE;
        }
    }

    /**
     * Forgets a worker. At-least-once: every request it held goes back to the front of the queue, in
     * the order the broker received them, unless workers died holding it too often (a poison
     * request) or it is past its expiry.
     */
    private void forget(WorkerEntry worker, long now) {
        ServiceEntry service = worker.service;
        service.removeAvailable(worker);
        this.workers.remove(worker.identity);
        service.workers--;
        if (service.workers == 0) {
            service.orphanSinceNanos = now;
        }
        if (worker.held == 0) {
            return;
        }
        List<PendingRequest> held = worker.releaseAll();
        for (int i = held.size() - 1; i >= 0; i--) {
            requeue(held.get(i), service, now);
        }
        dispatch(service);
        this.listener.brokerQueueLength(service.name, service.requests.size());
    }

    /** Puts a request a dead worker held back at the front of its queue, or drops it by the rules. */
    private void requeue(PendingRequest request, ServiceEntry service, long now) {
        if (request.isPastDeadline(now)) {
            abandon(request);
        }
        else if (request.deliveries > this.limits.maxRedeliveries()) {
            retire(request);
            answerWithRefusal(request, service, RefusalReason.POISON, "Workers of service '" + service.name + "' died "
                    + request.deliveries + " times holding this request; it is dropped");
        }
        else if (now - request.queuedAtNanos > this.limits.requestExpiryNanos()) {
            retire(request);
            expired(request, service);
        }
        else {
            service.requests.addFirst(request);
        }
    }

    private void expired(PendingRequest request, ServiceEntry service) {
        this.requestsExpired++;
        this.listener.brokerRequestExpired(service.name);
        answerWithRefusal(request, service, RefusalReason.EXPIRED, "The request waited longer than the broker's "
                + "request expiry for a worker of service '" + service.name + "'");
    }

    // --- errors ---

    private void reject(byte[] sender, InvalidReason reason, boolean worker) {
        this.invalidMessages++;
        this.listener.brokerMessageDropped(reason.tag());
        this.invalidLog.log(reason, "Dropped invalid message from peer {}: {}", FrameBuffer.hex(sender), reason.tag());
        if (worker) {
            WorkerEntry known = this.workers.get(this.lookup.wrap(sender));
            if (known != null) {
                forget(known, System.nanoTime());
            }
            sendCommand(sender, MdpCommand.DISCONNECT);
            this.listener.brokerDisconnectSent(reason.tag());
        }
    }

    // --- timers ---

    /**
     * Heartbeats every worker, forgets silent workers, expires old requests and drops unused
     * services. Called once per heartbeat interval.
     * @param now the current {@link System#nanoTime()}
     */
    void onHeartbeatTick(long now) {
        Iterator<WorkerEntry> it = this.workers.values().iterator();
        List<WorkerEntry> expired = null;
        while (it.hasNext()) {
            WorkerEntry worker = it.next();
            if (now - worker.expiresAtNanos > 0) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(worker);
            }
            else {
                sendCommand(worker.identity.bytes(), MdpCommand.HEARTBEAT);
            }
        }
        if (expired != null) {
            for (WorkerEntry worker : expired) {
                this.noticeLog.log(Notice.WORKER_EXPIRED, "Worker {} of '{}' silent for too long; forgetting it",
                        worker.identity, worker.service.name);
                this.workersExpired++;
                this.listener.brokerWorkerExpired(worker.service.name);
                sendCommand(worker.identity.bytes(), MdpCommand.DISCONNECT);
                forget(worker, now);
            }
        }
        expireRequests(now);
        dropExpiredKeptReplies(now);
    }

    /**
     * Refuses, with {@code unknown-service}, the PX/1 requests of every service that has had no
     * worker for the grace period; later ones are refused as they arrive. O(services) per call, and
     * O(requests) once per service that runs out of grace. Called a few times per grace period.
     * @param now the current {@link System#nanoTime()}
     */
    void onGraceTick(long now) {
        for (ServiceEntry service : this.services.values()) {
            if (service.workers > 0 || service.orphanSwept
                    || now - service.orphanSinceNanos < this.limits.unknownServiceGraceNanos()) {
                continue;
            }
            service.orphanSwept = true;
            Iterator<PendingRequest> waiting = service.requests.iterator();
            while (waiting.hasNext()) {
                PendingRequest request = waiting.next();
                if (request.pirateClient) {
                    waiting.remove();
                    retire(request);
                    answerWithRefusal(request, service, RefusalReason.UNKNOWN_SERVICE, unknownServiceText(service));
                }
            }
            this.listener.brokerQueueLength(service.name, service.requests.size());
        }
    }

    private void expireRequests(long now) {
        Iterator<ServiceEntry> it = this.services.values().iterator();
        while (it.hasNext()) {
            ServiceEntry service = it.next();
            int before = service.requests.size();
            PendingRequest head;
            while ((head = service.requests.peekFirst()) != null) {
                if (head.isPastDeadline(now)) {
                    service.requests.pollFirst();
                    abandon(head);
                }
                else if (now - head.queuedAtNanos > this.limits.requestExpiryNanos()) {
                    service.requests.pollFirst();
                    retire(head);
                    expired(head, service);
                }
                else {
                    break;
                }
            }
            if (service.requests.size() != before) {
                this.listener.brokerQueueLength(service.name, service.requests.size());
            }
            if (service.isUnused()) {
                it.remove();
            }
        }
    }

    /**
     * Sends DISCONNECT to every worker, for a clean broker stop.
     */
    void disconnectAll() {
        for (WorkerEntry worker : this.workers.values()) {
            sendCommand(worker.identity.bytes(), MdpCommand.DISCONNECT);
        }
    }

    /**
     * Builds a snapshot of the current state.
     * @param endpoints the bound endpoints
     * @return the snapshot
     */
    BrokerSnapshot snapshot(List<String> endpoints) {
        List<BrokerSnapshot.Service> list = new ArrayList<>(this.services.size());
        for (ServiceEntry s : this.services.values()) {
            list.add(new BrokerSnapshot.Service(s.name, s.requests.size(), s.idleWorkers, s.workers - s.idleWorkers,
                    s.served));
        }
        list.sort(Comparator.comparing(BrokerSnapshot.Service::name));
        return new BrokerSnapshot(true, endpoints, List.copyOf(list), this.workersExpired, this.invalidMessages,
                this.requestsExpired, this.requestsRefused, this.repliesDropped, this.heldBytes, this.clients.size(),
                this.retriesCoalesced);
    }
}
