package dev.pirate.sample;

import java.time.Duration;

import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;

/**
 * The {@code delay} service: waits for the number of milliseconds it receives, at most 10 s, then
 * replies with them. A delay longer than the client's timeout makes the client retry and finally time
 * out, so the dashboards can be watched moving:
 * <pre>
 * curl -H "Content-Type: text/plain" -d 4000 localhost:8080/api/services/delay
 * </pre>
 */
@MajordomoService("delay")
public class DelayService {

    /** Longest delay honoured, so a request cannot hold the worker for long. */
    static final Duration MAX_DELAY = Duration.ofSeconds(10);

    /**
     * Waits, then replies.
     * @param millis the delay in milliseconds, as text
     * @return the delay actually waited, in milliseconds
     * @throws InterruptedException if the worker is interrupted while waiting
     * @throws NumberFormatException if the request is not a number; the caller receives it as an error
     */
    @MajordomoHandler
    public String delay(String millis) throws InterruptedException {
        long wait = Math.max(0, Math.min(Long.parseLong(millis.strip()), MAX_DELAY.toMillis()));
        Thread.sleep(wait);
        return Long.toString(wait);
    }
}
