package dev.pirate.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.pirate.client.DirectClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServerCommand}.
 */
@Timeout(30)
class ServerCommandTest {

    @Test
    void serverPrintsItsEndpointAndEchoesEveryFrame() {
        try (BackgroundRun server = BackgroundRun.start("server", "--bind", "tcp://127.0.0.1:*", "--threads", "2")) {
            String endpoint = server.awaitLine("server listening on ");
            assertThat(endpoint).matches("tcp://127\\.0\\.0\\.1:\\d+");
            try (DirectClient client = DirectClient.builder(endpoint).timeout(Duration.ofSeconds(2)).build()) {
                List<byte[]> reply = client.request(List.of(bytes("one"), bytes(""), bytes("three")));

                assertThat(reply).extracting(ServerCommandTest::string).containsExactly("one", "", "three");
            }
            assertThat(server.stop().exitCode()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void zeroThreadsIsUsageError() {
        CliRun run = CliRun.of("server", "--bind", "tcp://127.0.0.1:*", "--threads", "0");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains("threads");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] frame) {
        return new String(frame, StandardCharsets.UTF_8);
    }
}
