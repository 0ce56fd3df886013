package dev.pirate.client;

/**
 * The service's handler failed; the message is the one the worker sent back.
 */
public class PirateRemoteException extends PirateException {

    private static final long serialVersionUID = 1L;

    private final String remoteMessage;

    /**
     * Creates an exception.
     * @param target the service
     * @param endpoint the endpoint
     * @param remoteMessage what the worker reported
     */
    public PirateRemoteException(String target, String endpoint, String remoteMessage) {
        super("Service '" + target + "' failed: " + remoteMessage, target, endpoint);
        this.remoteMessage = remoteMessage;
    }

    /**
     * Returns the worker's error message.
     * @return the message sent by the worker
     */
    public String remoteMessage() {
        return this.remoteMessage;
    }
}
