package dev.pirate.event;

/**
 * Receives what Pirate's broker, workers and clients do, for metrics, health and tests.
 * <p>
 * Every method has an empty default, so a listener implements only what it counts. Methods are
 * called on Pirate's own I/O threads, often on a hot path: implementations must be fast, must not
 * block and must not throw. No method receives a peer identity or a message body. Service names
 * of client and worker events are chosen by the application; those of broker events are chosen by
 * whoever sends the broker a request, so a listener that keeps state per service must bound it.
 */
public interface PirateListener {

    /** A listener that ignores everything. */
    PirateListener NONE = new PirateListener() {
    };

    // --- client ---

    /**
     * A client request finished.
     * @param service the service name, or the direct endpoint's name
     * @param outcome how it ended
     * @param nanos time from the first send to the outcome, in nanoseconds
     */
    default void clientRequestCompleted(String service, ClientOutcome outcome, long nanos) {
    }

    /**
     * A client attempt timed out and the request is sent again on a new socket.
     * @param service the service name
     */
    default void clientRetry(String service) {
    }

    // --- worker ---

    /**
     * A worker handled one request.
     * @param service the service name
     * @param success {@code false} if the handler threw
     * @param nanos handler time in nanoseconds
     */
    default void workerRequestCompleted(String service, boolean success, long nanos) {
    }

    /**
     * A worker connection sent READY and counts as registered with its broker.
     * @param service the service name
     */
    default void workerConnected(String service) {
    }

    /**
     * A worker connection lost its broker (silence, DISCONNECT or stop).
     * @param service the service name
     */
    default void workerDisconnected(String service) {
    }

    /**
     * A worker opened a new connection after losing the previous one.
     * @param service the service name
     */
    default void workerReconnect(String service) {
    }

    /**
     * A worker waited a whole heartbeat interval without hearing from its broker.
     * @param service the service name
     */
    default void workerHeartbeatMissed(String service) {
    }

    /**
     * A worker skipped a request without calling its handler: the caller's PX/1 deadline had passed
     * when the request reached the worker, so nobody waited for the reply.
     * @param service the service name
     */
    default void workerRequestExpired(String service) {
    }

    // --- broker ---

    /**
     * The broker accepted a client request for a service.
     * @param service the service name
     */
    default void brokerRequest(String service) {
    }

    /**
     * A worker registered with the broker.
     * @param service the service name
     */
    default void brokerWorkerRegistered(String service) {
    }

    /**
     * The broker forgot a worker that stayed silent for longer than its liveness allows.
     * @param service the service name
     */
    default void brokerWorkerExpired(String service) {
    }

    /**
     * The broker sent DISCONNECT to a worker.
     * @param reason why, one of a small fixed set of words
     */
    default void brokerDisconnectSent(String reason) {
    }

    /**
     * The broker dropped a message it could not accept.
     * @param reason why, one of a small fixed set of words (see {@code InvalidReason})
     */
    default void brokerMessageDropped(String reason) {
    }

    /**
     * The number of requests waiting for a worker of a service changed.
     * @param service the service name
     * @param queued requests now waiting
     */
    default void brokerQueueLength(String service, int queued) {
    }

    /**
     * A queued request waited longer than the broker's request expiry and was dropped.
     * @param service the service name
     */
    default void brokerRequestExpired(String service) {
    }

    /**
     * The broker refused a request instead of queueing it, or dropped one it held (a poison request,
     * an expired one whose worker died). A Pirate client is told with a refusal reply.
     * @param reason why, one of a small fixed set of words (see {@code RefusalReason})
     */
    default void brokerRequestRefused(String reason) {
    }

    /**
     * A retry of a call the broker still held was joined to it instead of running the call again
     * (PX/1 request id).
     * @param service the service name
     */
    default void brokerRetryCoalesced(String service) {
    }

    /**
     * The broker could not hand a reply to a client and gave up on it.
     * @param reason why, one of a small fixed set of words
     */
    default void brokerReplyDropped(String reason) {
    }

    // --- any component ---

    /**
     * A loop thread (broker, queue, worker connection, client I/O) or one of ZeroMQ's I/O threads
     * died of an error it could not handle; the component has stopped.
     * @param component the name of the thread or component
     * @param cause what killed it
     */
    default void loopFailed(String component, Throwable cause) {
    }
}
