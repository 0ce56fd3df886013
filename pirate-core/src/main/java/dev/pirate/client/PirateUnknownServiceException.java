package dev.pirate.client;

import dev.pirate.event.ClientOutcome;

/**
 * The broker reported that no worker offers the service (MMI {@code mmi.service} answered 404).
 */
public class PirateUnknownServiceException extends PirateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     * @param service the service
     * @param endpoint the broker endpoint
     */
    public PirateUnknownServiceException(String service, String endpoint) {
        super("Service '" + service + "' is unknown to the broker at " + endpoint + " (no worker registered)", service,
                endpoint);
    }

    /**
     * The broker reported the service unknown.
     * @return {@link ClientOutcome#UNKNOWN_SERVICE}
     */
    @Override
    public ClientOutcome outcome() {
        return ClientOutcome.UNKNOWN_SERVICE;
    }
}
