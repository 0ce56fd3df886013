package dev.pirate.sample;

import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;

/**
 * The {@code echo} service: replies with the text it receives. Its handler is short, so one worker
 * connection takes up to 32 requests at once from the broker (worker credit) and runs them in turn.
 */
@MajordomoService(value = "echo", prefetch = 32)
public class EchoService {

    /**
     * Echoes a request.
     * @param text the request, as UTF-8 text
     * @return the same text
     */
    @MajordomoHandler
    public String echo(String text) {
        return text;
    }
}
