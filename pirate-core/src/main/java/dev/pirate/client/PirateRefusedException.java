package dev.pirate.client;

import dev.pirate.event.ClientOutcome;

import dev.pirate.protocol.RefusalReason;

/**
 * The broker refused the request, or gave up on it, and said why: it is too large, the broker is
 * overloaded, workers died holding it (a poison request), it expired, or its reply was too large.
 * Only a Pirate broker says so (PX/1, {@code docs/rfc/px-1.md}); a refusal is never retried
 * automatically. {@link #reason()} tells whether the same request may succeed later.
 */
public class PirateRefusedException extends PirateException {

    private static final long serialVersionUID = 1L;

    private final transient RefusalReason reason;

    private final String word;

    /**
     * Creates an exception.
     * @param service the service
     * @param endpoint the broker endpoint
     * @param reason the reason, or {@code null} for a word this version does not know
     * @param word the reason as the broker put it
     * @param text the broker's explanation
     */
    public PirateRefusedException(String service, String endpoint, RefusalReason reason, String word, String text) {
        super("Broker at " + endpoint + " refused the request to '" + service + "' (" + word + "): " + text, service,
                endpoint);
        this.reason = reason;
        this.word = word;
    }

    /**
     * Returns why the broker refused the request.
     * @return the reason, or {@code null} for a reason this version of Pirate does not know (see {@link #word()})
     */
    public RefusalReason reason() {
        return this.reason;
    }

    /**
     * Returns the reason as the broker put it on the wire.
     * @return for example {@code overloaded}
     */
    public String word() {
        return this.word;
    }

    /**
     * Tells whether the same request may succeed later, when the broker is less busy.
     * @return {@code true} for {@code overloaded}, {@code too-many-services} and {@code expired}
     */
    public boolean isTransient() {
        return this.reason != null && this.reason.isTransient();
    }

    /**
     * The broker refused the request and said why.
     * @return {@link ClientOutcome#REFUSED}
     */
    @Override
    public ClientOutcome outcome() {
        return ClientOutcome.REFUSED;
    }
}
