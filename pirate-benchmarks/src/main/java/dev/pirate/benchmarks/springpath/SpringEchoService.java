package dev.pirate.benchmarks.springpath;

import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;

/**
 * The echo service as an application writes it with the starter: a bean whose handler method takes
 * and returns {@code byte[]}, served by as many connections as the core variant's worker.
 */
@MajordomoService(value = SpringEchoService.SERVICE, concurrency = Settings.CONNECTIONS)
public class SpringEchoService {

    /** The service name, distinct from the core variant's. */
    public static final String SERVICE = "echo-spring";

    /**
     * Returns the request body.
     * @param body the request body
     * @return the same bytes
     */
    @MajordomoHandler
    public byte[] echo(byte[] body) {
        return body;
    }
}
