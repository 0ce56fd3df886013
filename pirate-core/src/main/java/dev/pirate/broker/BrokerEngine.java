package dev.pirate.broker;

import java.nio.charset.StandardCharsets;
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
import dev.pirate.support.ByteKey;
import dev.pirate.support.FrameBuffer;

/**
 * The state and rules of a Majordomo broker, driven by one thread that owns the ROUTER socket.
 * <p>
 * Per message the work is O(1): workers are found by routing id in a hash map, each service keeps
 * a FIFO of requests and an intrusive least-recently-used list of idle workers. Heartbeats, expiry
 * and clean-up run on a timer from the same thread and are O(workers + services) per interval.
 */
final class BrokerEngine {

    private static final Logger logger = LoggerFactory.getLogger(BrokerEngine.class);

    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final ZMQ.Socket socket;

    private final PirateListener listener;

    private final long workerLifetimeNanos;

    private final long requestExpiryNanos;

    private final Map<ByteKey, WorkerEntry> workers = new HashMap<>();

    private final Map<ByteKey, ServiceEntry> services = new HashMap<>();

    private final ByteKey lookup = ByteKey.forLookup();

    private final long[] lastLoggedNanos = new long[InvalidReason.values().length];

    private final long[] suppressedLogs = new long[InvalidReason.values().length];

    private long workersExpired;

    private long invalidMessages;

    private long requestsExpired;

    BrokerEngine(ZMQ.Socket socket, PirateListener listener, long heartbeatNanos, int liveness,
            long requestExpiryNanos) {
        this.socket = socket;
        this.listener = listener;
        this.workerLifetimeNanos = heartbeatNanos * liveness;
        this.requestExpiryNanos = requestExpiryNanos;
    }

    /**
     * Handles one received message.
     * @param frames the message, starting with the sender's routing id
     * @param now the current {@link System#nanoTime()}
     */
    void onMessage(FrameBuffer frames, long now) {
        byte[] sender = frames.get(0);
        if (frames.isOversized()) {
            reject(sender, InvalidReason.OVERSIZED, isWorkerMessage(frames));
            return;
        }
        if (frames.size() < 3 || frames.get(1).length != 0) {
            reject(sender, InvalidReason.BAD_HEADER, false);
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
            reject(sender, InvalidReason.BAD_HEADER, false);
        }
    }

    private static boolean isWorkerMessage(FrameBuffer frames) {
        return frames.size() >= 3 && Mdp.is(frames.get(2), Mdp.WORKER_HEADER);
    }

    // --- clients ---

    private void onClientMessage(FrameBuffer frames, byte[] client, long now) {
        if (frames.size() < 5) {
            reject(client, InvalidReason.MISSING_FRAMES, false);
            return;
        }
        byte[] serviceFrame = frames.get(3);
        if (!Mdp.isValidServiceName(serviceFrame)) {
            reject(client, InvalidReason.BAD_SERVICE, false);
            return;
        }
        if (startsWithMmi(serviceFrame)) {
            answerMmi(frames, client, serviceFrame);
            return;
        }
        ServiceEntry service = serviceFor(serviceFrame);
        service.requests.addLast(new PendingRequest(client, frames.copyFrom(4), now));
        this.listener.brokerRequest(service.name);
        dispatch(service);
        this.listener.brokerQueueLength(service.name, service.requests.size());
    }

    private void answerMmi(FrameBuffer frames, byte[] client, byte[] serviceFrame) {
        byte[] answer;
        if (Mdp.is(serviceFrame, Mdp.MMI_SERVICE_FRAME)) {
            ServiceEntry asked = frames.size() == 5 ? this.services.get(this.lookup.wrap(frames.get(4))) : null;
            answer = (asked != null && asked.workers > 0) ? Mdp.MMI_FOUND : Mdp.MMI_NOT_FOUND;
        }
        else {
            answer = Mdp.MMI_NOT_IMPLEMENTED;
        }
        sendToClient(client, serviceFrame, answer);
    }

    private static boolean startsWithMmi(byte[] serviceFrame) {
        return serviceFrame.length >= 4 && serviceFrame[0] == 'm' && serviceFrame[1] == 'm' && serviceFrame[2] == 'i'
                && serviceFrame[3] == '.';
    }

    private ServiceEntry serviceFor(byte[] nameFrame) {
        ServiceEntry service = this.services.get(this.lookup.wrap(nameFrame));
        if (service == null) {
            service = new ServiceEntry(new String(nameFrame, StandardCharsets.US_ASCII), nameFrame);
            this.services.put(ByteKey.copyOf(nameFrame), service);
        }
        return service;
    }

    // --- workers ---

    private void onWorkerMessage(FrameBuffer frames, byte[] sender, long now) {
        if (frames.size() < 4) {
            reject(sender, InvalidReason.MISSING_FRAMES, true);
            return;
        }
        MdpCommand command = MdpCommand.fromFrame(frames.get(3));
        WorkerEntry worker = this.workers.get(this.lookup.wrap(sender));
        if (command == null) {
            reject(sender, InvalidReason.UNKNOWN_COMMAND, true);
            return;
        }
        switch (command) {
            case READY -> onReady(frames, sender, worker, now);
            case REPLY -> onReply(frames, sender, worker, now);
            case HEARTBEAT -> onHeartbeat(frames, sender, worker, now);
            case DISCONNECT -> onDisconnect(frames, sender, worker);
            case REQUEST -> reject(sender, InvalidReason.UNEXPECTED_COMMAND, true);
        }
    }

    private void onReady(FrameBuffer frames, byte[] sender, WorkerEntry known, long now) {
        if (known != null) {
            reject(sender, InvalidReason.UNEXPECTED_COMMAND, true);
            return;
        }
        if (frames.size() != 5) {
            reject(sender, InvalidReason.MISSING_FRAMES, true);
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
        ServiceEntry service = serviceFor(serviceFrame);
        WorkerEntry worker = new WorkerEntry(ByteKey.copyOf(sender), service);
        worker.expiresAtNanos = now + this.workerLifetimeNanos;
        this.workers.put(worker.identity, worker);
        service.workers++;
        logger.debug("Worker {} registered for service '{}'", worker.identity, service.name);
        this.listener.brokerWorkerRegistered(service.name);
        service.addIdle(worker);
        dispatch(service);
        this.listener.brokerQueueLength(service.name, service.requests.size());
    }

    private void onReply(FrameBuffer frames, byte[] sender, WorkerEntry worker, long now) {
        if (worker == null || worker.request == null) {
            reject(sender, InvalidReason.UNEXPECTED_COMMAND, true);
            return;
        }
        if (frames.size() < 7 || frames.get(5).length != 0) {
            reject(sender, InvalidReason.MISSING_FRAMES, true);
            return;
        }
        byte[] client = frames.get(4);
        if (!Arrays.equals(client, worker.request.client)) {
            reject(sender, InvalidReason.UNEXPECTED_COMMAND, true);
            return;
        }
        ServiceEntry service = worker.service;
        worker.request = null;
        worker.expiresAtNanos = now + this.workerLifetimeNanos;
        service.served++;
        forwardReply(frames, client, service);
        service.addIdle(worker);
        dispatch(service);
        this.listener.brokerQueueLength(service.name, service.requests.size());
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

    private void onDisconnect(FrameBuffer frames, byte[] sender, WorkerEntry worker) {
        if (worker == null) {
            return;
        }
        logger.debug("Worker {} of '{}' disconnected", worker.identity, worker.service.name);
        forget(worker);
    }

    // --- dispatch ---

    private void dispatch(ServiceEntry service) {
        while (!service.requests.isEmpty() && service.idleWorkers > 0) {
            WorkerEntry worker = service.pollIdle();
            PendingRequest request = service.requests.pollFirst();
            if (sendRequest(worker, request)) {
                worker.request = request;
            }
            else {
                // The worker's connection is gone (ROUTER_MANDATORY told us): keep the request.
                service.requests.addFirst(request);
                logger.debug("Worker {} of '{}' is unreachable; forgetting it", worker.identity, service.name);
                forget(worker);
            }
        }
    }

    private boolean sendRequest(WorkerEntry worker, PendingRequest request) {
        if (!sendFirst(worker.identity.bytes())) {
            return false;
        }
        this.socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
        this.socket.send(Mdp.WORKER_HEADER, ZMQ.SNDMORE);
        this.socket.send(MdpCommand.REQUEST.frame(), ZMQ.SNDMORE);
        this.socket.send(request.client, ZMQ.SNDMORE);
        this.socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
        byte[][] body = request.body;
        for (int i = 0; i < body.length; i++) {
            this.socket.send(body[i], (i < body.length - 1) ? ZMQ.SNDMORE : 0);
        }
        return true;
    }

    private void forwardReply(FrameBuffer frames, byte[] client, ServiceEntry service) {
        if (!sendFirst(client)) {
            logger.debug("Client {} of '{}' left before its reply", FrameBuffer.hex(client), service.name);
            return;
        }
        this.socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
        this.socket.send(Mdp.CLIENT_HEADER, ZMQ.SNDMORE);
        this.socket.send(service.nameFrame, ZMQ.SNDMORE);
        frames.sendFrom(this.socket, 6);
    }

    private void sendToClient(byte[] client, byte[] serviceFrame, byte[] body) {
        if (!sendFirst(client)) {
            return;
        }
        this.socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
        this.socket.send(Mdp.CLIENT_HEADER, ZMQ.SNDMORE);
        this.socket.send(serviceFrame, ZMQ.SNDMORE);
        this.socket.send(body, 0);
    }

    private void sendCommand(byte[] worker, MdpCommand command) {
        if (!sendFirst(worker)) {
            return;
        }
        this.socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
        this.socket.send(Mdp.WORKER_HEADER, ZMQ.SNDMORE);
        this.socket.send(command.frame(), 0);
    }

    /**
     * Sends the routing frame of a message. With ROUTER_MANDATORY an unknown peer raises
     * EHOSTUNREACH and a full pipe answers EAGAIN (the send is non-blocking, so one slow peer cannot
     * stall the broker); either way nothing has been queued and the caller skips the message.
     */
    private boolean sendFirst(byte[] identity) {
        try {
            return this.socket.send(identity, ZMQ.SNDMORE | ZMQ.DONTWAIT);
        }
        catch (ZMQException ex) {
            return false;
        }
    }

    private void forget(WorkerEntry worker) {
        ServiceEntry service = worker.service;
        service.removeIdle(worker);
        this.workers.remove(worker.identity);
        service.workers--;
        if (worker.request != null) {
            // At-least-once: the request goes back to the front for the next worker.
            service.requests.addFirst(worker.request);
            worker.request = null;
            dispatch(service);
            this.listener.brokerQueueLength(service.name, service.requests.size());
        }
    }

    // --- errors ---

    private void reject(byte[] sender, InvalidReason reason, boolean worker) {
        this.invalidMessages++;
        this.listener.brokerMessageDropped(reason.tag());
        logRejection(sender, reason);
        if (worker) {
            WorkerEntry known = this.workers.get(this.lookup.wrap(sender));
            if (known != null) {
                forget(known);
            }
            sendCommand(sender, MdpCommand.DISCONNECT);
            this.listener.brokerDisconnectSent(reason.tag());
        }
    }

    private void logRejection(byte[] sender, InvalidReason reason) {
        // One line per reason per second at most, so a flood of junk cannot flood the log too.
        int i = reason.ordinal();
        long now = System.nanoTime();
        if (this.lastLoggedNanos[i] != 0 && now - this.lastLoggedNanos[i] < LOG_INTERVAL_NANOS) {
            this.suppressedLogs[i]++;
            return;
        }
        long suppressed = this.suppressedLogs[i];
        this.lastLoggedNanos[i] = now;
        this.suppressedLogs[i] = 0;
        logger.warn("Dropped invalid message from peer {}: {}{}", FrameBuffer.hex(sender), reason.tag(),
                (suppressed > 0) ? " (" + suppressed + " more since the last report)" : "");
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
                logger.info("Worker {} of '{}' silent for too long; forgetting it", worker.identity,
                        worker.service.name);
                this.workersExpired++;
                this.listener.brokerWorkerExpired(worker.service.name);
                sendCommand(worker.identity.bytes(), MdpCommand.DISCONNECT);
                forget(worker);
            }
        }
        expireRequests(now);
    }

    private void expireRequests(long now) {
        Iterator<ServiceEntry> it = this.services.values().iterator();
        while (it.hasNext()) {
            ServiceEntry service = it.next();
            int before = service.requests.size();
            while (!service.requests.isEmpty()
                    && now - service.requests.peekFirst().queuedAtNanos > this.requestExpiryNanos) {
                service.requests.pollFirst();
                this.requestsExpired++;
                this.listener.brokerRequestExpired(service.name);
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
                this.requestsExpired);
    }
}
