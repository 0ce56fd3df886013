package dev.pirate.event;

import java.util.List;

/**
 * Forwards every event to several listeners, in order.
 */
public final class CompositeListener implements PirateListener {

    private final PirateListener[] listeners;

    private CompositeListener(List<PirateListener> listeners) {
        this.listeners = listeners.toArray(new PirateListener[0]);
    }

    /**
     * Combines listeners into one.
     * @param listeners the listeners, possibly none
     * @return {@link PirateListener#NONE}, the single listener, or a composite
     */
    public static PirateListener of(List<PirateListener> listeners) {
        if (listeners.isEmpty()) {
            return PirateListener.NONE;
        }
        if (listeners.size() == 1) {
            return listeners.get(0);
        }
        return new CompositeListener(listeners);
    }

    @Override
    public void clientRequestCompleted(String service, ClientOutcome outcome, long nanos) {
        for (PirateListener l : this.listeners) {
            l.clientRequestCompleted(service, outcome, nanos);
        }
    }

    @Override
    public void clientRetry(String service) {
        for (PirateListener l : this.listeners) {
            l.clientRetry(service);
        }
    }

    @Override
    public void workerRequestCompleted(String service, boolean success, long nanos) {
        for (PirateListener l : this.listeners) {
            l.workerRequestCompleted(service, success, nanos);
        }
    }

    @Override
    public void workerConnected(String service) {
        for (PirateListener l : this.listeners) {
            l.workerConnected(service);
        }
    }

    @Override
    public void workerDisconnected(String service) {
        for (PirateListener l : this.listeners) {
            l.workerDisconnected(service);
        }
    }

    @Override
    public void workerReconnect(String service) {
        for (PirateListener l : this.listeners) {
            l.workerReconnect(service);
        }
    }

    @Override
    public void workerHeartbeatMissed(String service) {
        for (PirateListener l : this.listeners) {
            l.workerHeartbeatMissed(service);
        }
    }

    @Override
    public void brokerRequest(String service) {
        for (PirateListener l : this.listeners) {
            l.brokerRequest(service);
        }
    }

    @Override
    public void brokerWorkerRegistered(String service) {
        for (PirateListener l : this.listeners) {
            l.brokerWorkerRegistered(service);
        }
    }

    @Override
    public void brokerWorkerExpired(String service) {
        for (PirateListener l : this.listeners) {
            l.brokerWorkerExpired(service);
        }
    }

    @Override
    public void brokerDisconnectSent(String reason) {
        for (PirateListener l : this.listeners) {
            l.brokerDisconnectSent(reason);
        }
    }

    @Override
    public void brokerMessageDropped(String reason) {
        for (PirateListener l : this.listeners) {
            l.brokerMessageDropped(reason);
        }
    }

    @Override
    public void brokerQueueLength(String service, int queued) {
        for (PirateListener l : this.listeners) {
            l.brokerQueueLength(service, queued);
        }
    }

    @Override
    public void brokerRequestExpired(String service) {
        for (PirateListener l : this.listeners) {
            l.brokerRequestExpired(service);
        }
    }
}
