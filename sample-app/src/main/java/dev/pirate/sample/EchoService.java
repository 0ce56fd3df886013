package dev.pirate.sample;

import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;

/**
 * The {@code echo} service: replies with the text it receives.
 */
@MajordomoService("echo")
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
