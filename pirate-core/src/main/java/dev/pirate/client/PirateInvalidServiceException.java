package dev.pirate.client;

/**
 * The service name cannot be sent: MDP names a service with 1 to 255 printable ASCII characters
 * without spaces. Nothing was sent; the same name will always fail, so it is a caller's error (an
 * HTTP gateway answers it with 400).
 */
public class PirateInvalidServiceException extends PirateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     * @param service the rejected service name
     * @param endpoint the broker endpoint
     */
    public PirateInvalidServiceException(String service, String endpoint) {
        super("Invalid service name '" + service + "': use 1 to 255 printable ASCII characters without spaces",
                service, endpoint);
    }
}
