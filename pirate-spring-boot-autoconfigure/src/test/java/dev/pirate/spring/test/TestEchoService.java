package dev.pirate.spring.test;

import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;

/**
 * The {@code echo} service of {@link EmbeddedPirateBrokerTests}.
 */
@MajordomoService("echo")
class TestEchoService {

    @MajordomoHandler
    String echo(String text) {
        return text;
    }
}
