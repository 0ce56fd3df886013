package dev.pirate.client;

import dev.pirate.event.ClientOutcome;

/**
 * Base of the errors a Pirate client reports; names the target (service or direct endpoint name)
 * and the endpoint.
 */
public class PirateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String target;

    private final String endpoint;

    /**
     * Creates an exception.
     * @param message the message
     * @param target the service or direct endpoint name
     * @param endpoint the endpoint the client talks to
     */
    public PirateException(String message, String target, String endpoint) {
        super(message);
        this.target = target;
        this.endpoint = endpoint;
    }

    /**
     * Returns the service, or the direct endpoint's name.
     * @return the target of the failed request
     */
    public String target() {
        return this.target;
    }

    /**
     * Returns the endpoint the client talked to.
     * @return the endpoint
     */
    public String endpoint() {
        return this.endpoint;
    }

    /**
     * Returns how the request ended, as the client's listener and metrics count it.
     * @return {@link ClientOutcome#FAILED}, unless a subclass says otherwise
     */
    public ClientOutcome outcome() {
        return ClientOutcome.FAILED;
    }

    /**
     * Returns how a request that ended with an exception ended, as the client's listener and
     * metrics count it.
     * @param failure what the request threw
     * @return the exception's {@link #outcome()}, or {@link ClientOutcome#FAILED} for anything else
     */
    public static ClientOutcome outcomeOf(Throwable failure) {
        return (failure instanceof PirateException pirate) ? pirate.outcome() : ClientOutcome.FAILED;
    }
}
