package dev.pirate.spring.autoconfigure;

import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;

/**
 * The {@code echo} service of {@link EchoServiceConfiguration}. A top-level class, not a member of
 * the configuration: Spring would register a {@code @Component} member class of a configuration a
 * second time.
 */
@MajordomoService("echo")
class EchoService {

    @MajordomoHandler
    String echo(String text) {
        return text;
    }
}
