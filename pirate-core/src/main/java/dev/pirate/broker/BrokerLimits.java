package dev.pirate.broker;

/**
 * The bounds of a broker: everything a peer can make the broker hold has one.
 *
 * @param maxMessageSize largest message accepted, all frames together, in bytes
 * @param maxFrames most frames in one message
 * @param maxQueuedRequests most requests waiting for a worker, per service
 * @param maxQueuedBytes most bytes of requests and undelivered replies held, all services together
 * @param maxClientRequests most requests one client connection may have in the broker at once
 * @param maxServices most service names the broker knows at once
 * @param maxRedeliveries how often a request is queued again after a worker died holding it
 * @param requestExpiryNanos how long a request may wait in the broker, in nanoseconds
 * @param unknownServiceGraceNanos how long a service may have no worker before PX/1 clients are told it
 *        is unknown, in nanoseconds
 * @param replyRetentionNanos how long the answer to a call whose client left is kept for its next
 *        attempt, in nanoseconds
 * @param workerReturnNanos how long after the broker's start no service is called unknown, while the
 *        workers of a restart come back, in nanoseconds
 * @param maxWorkerCredit most requests one worker connection is given at once, whatever credit it offers
 */
record BrokerLimits(int maxMessageSize, int maxFrames, int maxQueuedRequests, long maxQueuedBytes,
        int maxClientRequests, int maxServices, int maxRedeliveries, long requestExpiryNanos,
        long unknownServiceGraceNanos, long replyRetentionNanos, long workerReturnNanos, int maxWorkerCredit) {

    /**
     * Returns the extra bytes refusals may hold beyond {@link #maxQueuedBytes()} while a client's
     * pipe is full, so a client that is refused because the broker is full still hears why.
     * @return an eighth of the queued-bytes limit
     */
    long refusalReserveBytes() {
        return this.maxQueuedBytes / 8;
    }
}
