package dev.pirate.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import dev.pirate.event.PirateListener;
import dev.pirate.server.ThreadedServer;

/**
 * A plain REP service on a free loopback port (the Guide's threaded server) that upper-cases the
 * first frame, for direct-endpoint tests.
 */
public final class UpperCaseServer {

    private UpperCaseServer() {
    }

    /** Starts the server; close it when done. */
    public static ThreadedServer start() {
        ThreadedServer server = new ThreadedServer("tcp://127.0.0.1:*", 1,
                (body) -> List.of(new String(body.get(0), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT)
                    .getBytes(StandardCharsets.UTF_8)),
                PirateListener.NONE, "upper");
        server.start();
        return server;
    }
}
