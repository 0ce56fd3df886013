package dev.pirate.client;

/**
 * The client already had as many requests in flight as its builder's
 * {@link ClientBuilder#maxInFlight(int) maxInFlight} allows; this request was not sent. Raise the
 * limit, or wait for replies before sending more.
 */
public class PirateInFlightLimitException extends PirateException {

    private static final long serialVersionUID = 1L;

    private final int limit;

    /**
     * Creates an exception.
     * @param target the service or direct endpoint name
     * @param endpoint the endpoint
     * @param limit the client's limit on requests in flight
     */
    public PirateInFlightLimitException(String target, String endpoint, int limit) {
        super("Request to '" + target + "' at " + endpoint + " refused: the client already has " + limit
                + " requests in flight, its limit (raise it with the builder's maxInFlight(int))", target, endpoint);
        this.limit = limit;
    }

    /**
     * Returns the client's limit on requests in flight.
     * @return the limit
     */
    public int limit() {
        return this.limit;
    }
}
