package dev.pirate.client;

import dev.pirate.event.ClientOutcome;

import java.time.Duration;

/**
 * Every attempt of a request timed out: the service, its workers or the broker did not answer.
 */
public class PirateTimeoutException extends PirateException {

    private static final long serialVersionUID = 1L;

    private final int attempts;

    private final Duration elapsed;

    /**
     * Creates an exception.
     * @param target the service or direct endpoint name
     * @param endpoint the endpoint
     * @param attempts how many times the request was sent
     * @param elapsed time from the first send to giving up
     */
    public PirateTimeoutException(String target, String endpoint, int attempts, Duration elapsed) {
        super("No reply from '" + target + "' at " + endpoint + " after " + attempts + " attempt"
                + ((attempts == 1) ? "" : "s") + " in " + elapsed.toMillis() + " ms", target, endpoint);
        this.attempts = attempts;
        this.elapsed = elapsed;
    }

    /**
     * Returns how many times the request was sent.
     * @return the number of attempts
     */
    public int attempts() {
        return this.attempts;
    }

    /**
     * Returns the time from the first send to giving up.
     * @return the elapsed time
     */
    public Duration elapsed() {
        return this.elapsed;
    }

    /**
     * Every attempt timed out.
     * @return {@link ClientOutcome#TIMEOUT}
     */
    @Override
    public ClientOutcome outcome() {
        return ClientOutcome.TIMEOUT;
    }
}
