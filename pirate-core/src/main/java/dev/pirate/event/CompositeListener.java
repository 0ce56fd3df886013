package dev.pirate.event;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pirate.support.RateLimitedLog;

/**
 * Forwards every event to several listeners, in order, and keeps a listener that throws from
 * touching the loop that called it: the exception is logged (at most one line per second) and the
 * next listener still hears the event.
 */
public final class CompositeListener implements PirateListener {

    private static final Logger logger = LoggerFactory.getLogger(CompositeListener.class);

    private enum Failure {
        LISTENER_THREW
    }

    private static final RateLimitedLog<Failure> failures = new RateLimitedLog<>(logger, RateLimitedLog.Level.WARN,
            Failure.class);

    private final PirateListener[] listeners;

    private CompositeListener(List<PirateListener> listeners) {
        this.listeners = listeners.toArray(new PirateListener[0]);
    }

    /**
     * Combines listeners into one that no listener's exception can escape.
     * @param listeners the listeners, possibly none
     * @return {@link PirateListener#NONE} or a guarded composite
     */
    public static PirateListener of(List<PirateListener> listeners) {
        if (listeners.isEmpty()) {
            return PirateListener.NONE;
        }
        return new CompositeListener(listeners);
    }

    /**
     * Wraps a listener so that its exceptions are logged instead of thrown at the caller.
     * @param listener any listener
     * @return the listener itself if it is already guarded (or {@link PirateListener#NONE}), else a guard
     */
    public static PirateListener guard(PirateListener listener) {
        if (listener == PirateListener.NONE || listener instanceof CompositeListener) {
            return listener;
        }
        return new CompositeListener(List.of(listener));
    }

    private static void threw(PirateListener listener, String event, RuntimeException ex) {
        failures.log(Failure.LISTENER_THREW, "Listener {} threw from {}; the event is skipped for it",
                listener.getClass().getName(), event, ex);
    }

    @Override
    public void clientRequestCompleted(String service, ClientOutcome outcome, long nanos) {
        for (PirateListener l : this.listeners) {
            try {
                l.clientRequestCompleted(service, outcome, nanos);
            }
            catch (RuntimeException ex) {
                threw(l, "clientRequestCompleted", ex);
            }
        }
    }

    @Override
    public void clientRetry(String service) {
        for (PirateListener l : this.listeners) {
            try {
                l.clientRetry(service);
            }
            catch (RuntimeException ex) {
                threw(l, "clientRetry", ex);
            }
        }
    }

    @Override
    public void workerRequestCompleted(String service, boolean success, long nanos) {
        for (PirateListener l : this.listeners) {
            try {
                l.workerRequestCompleted(service, success, nanos);
            }
            catch (RuntimeException ex) {
                threw(l, "workerRequestCompleted", ex);
            }
        }
    }

    @Override
    public void workerConnected(String service) {
        for (PirateListener l : this.listeners) {
            try {
                l.workerConnected(service);
            }
            catch (RuntimeException ex) {
                threw(l, "workerConnected", ex);
            }
        }
    }

    @Override
    public void workerDisconnected(String service) {
        for (PirateListener l : this.listeners) {
            try {
                l.workerDisconnected(service);
            }
            catch (RuntimeException ex) {
                threw(l, "workerDisconnected", ex);
            }
        }
    }

    @Override
    public void workerReconnect(String service) {
        for (PirateListener l : this.listeners) {
            try {
                l.workerReconnect(service);
            }
            catch (RuntimeException ex) {
                threw(l, "workerReconnect", ex);
            }
        }
    }

    @Override
    public void workerHeartbeatMissed(String service) {
        for (PirateListener l : this.listeners) {
            try {
                l.workerHeartbeatMissed(service);
            }
            catch (RuntimeException ex) {
                threw(l, "workerHeartbeatMissed", ex);
            }
        }
    }

    @Override
    public void workerRequestExpired(String service) {
        for (PirateListener l : this.listeners) {
            try {
                l.workerRequestExpired(service);
            }
            catch (RuntimeException ex) {
                threw(l, "workerRequestExpired", ex);
            }
        }
    }

    @Override
    public void brokerRequest(String service) {
        for (PirateListener l : this.listeners) {
            try {
                l.brokerRequest(service);
            }
            catch (RuntimeException ex) {
                threw(l, "brokerRequest", ex);
            }
        }
    }

    @Override
    public void brokerWorkerRegistered(String service) {
        for (PirateListener l : this.listeners) {
            try {
                l.brokerWorkerRegistered(service);
            }
            catch (RuntimeException ex) {
                threw(l, "brokerWorkerRegistered", ex);
            }
        }
    }

    @Override
    public void brokerWorkerExpired(String service) {
        for (PirateListener l : this.listeners) {
            try {
                l.brokerWorkerExpired(service);
            }
            catch (RuntimeException ex) {
                threw(l, "brokerWorkerExpired", ex);
            }
        }
    }

    @Override
    public void brokerDisconnectSent(String reason) {
        for (PirateListener l : this.listeners) {
            try {
                l.brokerDisconnectSent(reason);
            }
            catch (RuntimeException ex) {
                threw(l, "brokerDisconnectSent", ex);
            }
        }
    }

    @Override
    public void brokerMessageDropped(String reason) {
        for (PirateListener l : this.listeners) {
            try {
                l.brokerMessageDropped(reason);
            }
            catch (RuntimeException ex) {
                threw(l, "brokerMessageDropped", ex);
            }
        }
    }

    @Override
    public void brokerQueueLength(String service, int queued) {
        for (PirateListener l : this.listeners) {
            try {
                l.brokerQueueLength(service, queued);
            }
            catch (RuntimeException ex) {
                threw(l, "brokerQueueLength", ex);
            }
        }
    }

    @Override
    public void brokerRequestExpired(String service) {
        for (PirateListener l : this.listeners) {
            try {
                l.brokerRequestExpired(service);
            }
            catch (RuntimeException ex) {
                threw(l, "brokerRequestExpired", ex);
            }
        }
    }

    @Override
    public void brokerRequestRefused(String reason) {
        for (PirateListener l : this.listeners) {
            try {
                l.brokerRequestRefused(reason);
            }
            catch (RuntimeException ex) {
                threw(l, "brokerRequestRefused", ex);
            }
        }
    }

    @Override
    public void brokerRetryCoalesced(String service) {
        for (PirateListener l : this.listeners) {
            try {
                l.brokerRetryCoalesced(service);
            }
            catch (RuntimeException ex) {
                threw(l, "brokerRetryCoalesced", ex);
            }
        }
    }

    @Override
    public void brokerReplyDropped(String reason) {
        for (PirateListener l : this.listeners) {
            try {
                l.brokerReplyDropped(reason);
            }
            catch (RuntimeException ex) {
                threw(l, "brokerReplyDropped", ex);
            }
        }
    }

    @Override
    public void loopFailed(String component, Throwable cause) {
        for (PirateListener l : this.listeners) {
            try {
                l.loopFailed(component, cause);
            }
            catch (RuntimeException ex) {
                threw(l, "loopFailed", ex);
            }
        }
    }
}
