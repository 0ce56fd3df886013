package dev.pirate.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.pirate.security.CurveCertificate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KeygenCommand} and the CURVE options of the commands that bind
 * ({@link CurveServerOptions}) and connect ({@link CurveClientOptions}).
 */
@Timeout(60)
class CurveCommandsTest {

    @TempDir
    Path keys;

    private Path keygen(String name) {
        CliRun run = CliRun.of("keygen", "--out", this.keys.resolve(name).toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        return this.keys.resolve(name);
    }

    private String publicKey(String name) {
        return CurveCertificate.load(this.keys.resolve(name)).publicKey();
    }

    private String secret(String name) {
        return this.keys.resolve(name + CurveCertificate.SECRET_SUFFIX).toString();
    }

    @Test
    void keygenWritesZeroMqCertificatesAndNeverOverwritesThem() throws Exception {
        Path broker = keygen("broker");
        CurveCertificate pair = CurveCertificate.load(this.keys.resolve("broker_secret"));
        assertThat(pair.hasSecretKey()).isTrue();
        assertThat(CurveCertificate.load(broker).publicKey()).isEqualTo(pair.publicKey());
        String before = Files.readString(this.keys.resolve("broker_secret"));

        CliRun again = CliRun.of("keygen", "--out", broker.toString());
        assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.err()).contains("Refusing to overwrite");
        assertThat(Files.readString(this.keys.resolve("broker_secret"))).isEqualTo(before);
    }

    @Test
    void keygenWithoutOutPrintsAMatchingPair() {
        CliRun run = CliRun.of("keygen");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines()).hasSize(2);
        String publicKey = run.outLines().get(0).replaceAll("public-key = \"(.*)\"", "$1");
        String secretKey = run.outLines().get(1).replaceAll("secret-key = \"(.*)\"", "$1");
        assertThat(CurveCertificate.ofSecretKey(secretKey).publicKey()).isEqualTo(publicKey);
    }

    @Test
    void brokerWorkerCallAndMmiWorkTogetherWithCurveAndAStrangerGetsNothing() {
        keygen("broker");
        keygen("worker");
        keygen("cli");
        keygen("stranger");
        try (BackgroundRun broker = BackgroundRun.start("broker", "--bind", "tcp://127.0.0.1:*", "--certificate",
                secret("broker"), "--authorized-key=" + publicKey("worker"), "--authorized-key=" + publicKey("cli"),
                "--allow-workers", "echo=" + publicKey("worker"), "--allow-clients", "echo=*")) {
            String endpoint = broker.awaitLine("broker listening on ");
            try (BackgroundRun worker = BackgroundRun.start("worker", "--connect", endpoint, "--service", "echo",
                    "--server-key=" + publicKey("broker"), "--certificate", secret("worker"))) {
                worker.awaitLine("worker ready");
                CliRun call = CliRun.of("call", "--connect", endpoint, "--service", "echo", "--server-certificate",
                        this.keys.resolve("broker").toString(), "--certificate", secret("cli"), "--timeout", "10s",
                        "secured hello");
                assertThat(call.exitCode()).as(call.err()).isEqualTo(ExitCodes.OK);
                assertThat(call.outLines()).containsExactly("secured hello");

                CliRun mmi = CliRun.of("mmi", "--connect", endpoint, "--server-key=" + publicKey("broker"),
                        "--certificate", secret("cli"), "--timeout", "10s", "echo");
                assertThat(mmi.exitCode()).as(mmi.err()).isEqualTo(ExitCodes.OK);
                assertThat(mmi.outLines()).containsExactly("200");

                CliRun stranger = CliRun.of("call", "--connect", endpoint, "--service", "echo", "--server-key="
                        + publicKey("broker"), "--certificate", secret("stranger"), "--timeout", "500ms", "--retries",
                        "0", "let me in");
                assertThat(stranger.exitCode()).isEqualTo(ExitCodes.TIMEOUT);
            }
        }
    }

    @Test
    void aKeyOfTheWrongLengthIsAUsageErrorNamingTheOption() {
        CliRun run = CliRun.of("call", "--connect", "tcp://127.0.0.1:5555", "--service", "echo", "--server-key",
                "too-short", "x");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--server-key").contains("40 Z85 characters");
    }

    @Test
    void aMissingCertificateFileIsAUsageErrorNamingTheOption() {
        CliRun run = CliRun.of("broker", "--bind", "tcp://127.0.0.1:*", "--certificate",
                this.keys.resolve("nowhere_secret").toString(), "--allow-any-key");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--certificate").contains("does not exist");
    }

    @Test
    void allowListOptionsWithoutACertificateAreAUsageError() {
        CliRun run = CliRun.of("server", "--bind", "tcp://127.0.0.1:*", "--authorized-key="
                + CurveCertificate.generate().publicKey());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("need --certificate");
    }

    @Test
    void aSecuredQueueAndServerServeTheirCurveClients() {
        keygen("queue");
        keygen("peer");
        try (BackgroundRun queue = BackgroundRun.start("queue", "--mode", "paranoid", "--frontend",
                "tcp://127.0.0.1:*", "--backend", "tcp://127.0.0.1:*", "--certificate", secret("queue"),
                "--authorized-key=" + publicKey("peer"))) {
            String[] endpoints = queue.awaitLine("queue listening on ").split(" ");
            try (BackgroundRun worker = BackgroundRun.start("worker", "--protocol", "ppp", "--connect", endpoints[1],
                    "--server-key=" + publicKey("queue"), "--certificate", secret("peer"))) {
                worker.awaitLine("worker ready");
                CliRun call = CliRun.of("call", "--direct", endpoints[0], "--server-key=" + publicKey("queue"),
                        "--certificate", secret("peer"), "--timeout", "10s", "queued");
                assertThat(call.exitCode()).as(call.err()).isEqualTo(ExitCodes.OK);
                assertThat(call.outLines()).containsExactly("queued");
            }
        }
        try (BackgroundRun server = BackgroundRun.start("server", "--bind", "tcp://127.0.0.1:*", "--certificate",
                secret("queue"), "--allow-any-key")) {
            String endpoint = server.awaitLine("server listening on ");
            CliRun call = CliRun.of("call", "--direct", endpoint, "--server-key=" + publicKey("queue"), "--timeout", "10s",
                    "any key");
            assertThat(call.exitCode()).as(call.err()).isEqualTo(ExitCodes.OK);
            assertThat(call.outLines()).containsExactly("any key");
        }
    }
}
