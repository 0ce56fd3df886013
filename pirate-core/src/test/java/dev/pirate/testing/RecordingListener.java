package dev.pirate.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.pirate.event.ClientOutcome;
import dev.pirate.event.PirateListener;

/**
 * Counts every event by name and argument, e.g. {@code clientRetry:echo} or {@code brokerMessageDropped:bad_header}.
 */
public final class RecordingListener implements PirateListener {

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    private void record(String key) {
        this.counts.computeIfAbsent(key, (k) -> new AtomicLong()).incrementAndGet();
    }

    public long count(String key) {
        AtomicLong value = this.counts.get(key);
        return (value != null) ? value.get() : 0;
    }

    /** Sums the events whose key starts with a prefix, e.g. {@code loopFailed:} for every component's. */
    public long countStartingWith(String prefix) {
        return this.counts.entrySet().stream().filter((entry) -> entry.getKey().startsWith(prefix))
            .mapToLong((entry) -> entry.getValue().get()).sum();
    }

    @Override
    public void clientRequestCompleted(String service, ClientOutcome outcome, long nanos) {
        record("clientRequestCompleted:" + service + ":" + outcome.tag());
    }

    @Override
    public void clientRetry(String service) {
        record("clientRetry:" + service);
    }

    @Override
    public void workerRequestCompleted(String service, boolean success, long nanos) {
        record("workerRequestCompleted:" + service + ":" + success);
    }

    @Override
    public void workerConnected(String service) {
        record("workerConnected:" + service);
    }

    @Override
    public void workerDisconnected(String service) {
        record("workerDisconnected:" + service);
    }

    @Override
    public void workerReconnect(String service) {
        record("workerReconnect:" + service);
    }

    @Override
    public void workerHeartbeatMissed(String service) {
        record("workerHeartbeatMissed:" + service);
    }

    @Override
    public void workerRequestExpired(String service) {
        record("workerRequestExpired:" + service);
    }

    @Override
    public void brokerRequest(String service) {
        record("brokerRequest:" + service);
    }

    @Override
    public void brokerWorkerRegistered(String service) {
        record("brokerWorkerRegistered:" + service);
    }

    @Override
    public void brokerWorkerExpired(String service) {
        record("brokerWorkerExpired:" + service);
    }

    @Override
    public void brokerDisconnectSent(String reason) {
        record("brokerDisconnectSent:" + reason);
    }

    @Override
    public void brokerMessageDropped(String reason) {
        record("brokerMessageDropped:" + reason);
    }

    @Override
    public void brokerRequestExpired(String service) {
        record("brokerRequestExpired:" + service);
    }

    @Override
    public void brokerRequestRefused(String reason) {
        record("brokerRequestRefused:" + reason);
    }

    @Override
    public void brokerRetryCoalesced(String service) {
        record("brokerRetryCoalesced:" + service);
    }

    @Override
    public void brokerReplyDropped(String reason) {
        record("brokerReplyDropped:" + reason);
    }

    @Override
    public void loopFailed(String component, Throwable cause) {
        record("loopFailed:" + component);
    }
}
