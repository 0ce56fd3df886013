package dev.pirate;

import static dev.pirate.testing.RawPeer.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoClient;
import dev.pirate.client.PirateTimeoutException;
import dev.pirate.security.ClientSecurity;
import dev.pirate.security.CurveCertificate;
import dev.pirate.security.ServerSecurity;
import dev.pirate.testing.PythonPeer;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.Resources;
import dev.pirate.worker.MajordomoWorker;

/**
 * CURVE interoperability with pyzmq (Debian's {@code python3-zmq} over libzmq): the Python peers of
 * {@code interop/python} with CURVE keys, against our broker, worker and client, using certificate
 * files written by {@link CurveCertificate#save(Path)} on both sides.
 */
@Timeout(120)
class CurveInteropTest {

    @RegisterExtension
    final Resources resources = new Resources();

    @TempDir
    Path keys;

    @BeforeAll
    static void installPython() {
        PythonPeer.ensureInstalled();
    }

    private <T extends AutoCloseable> T track(T resource) {
        return this.resources.track(resource);
    }

    /** Writes NAME.key and NAME.key_secret (pyzmq reads public certificates named *.key). */
    private CurveCertificate keyPair(String name) throws IOException {
        CurveCertificate pair = CurveCertificate.generate();
        pair.save(this.keys.resolve(name + ".key"));
        return pair;
    }

    private String secretFile(String name) {
        return this.keys.resolve(name + ".key" + CurveCertificate.SECRET_SUFFIX).toString();
    }

    private MajordomoBroker ourBroker(CurveCertificate broker, CurveCertificate... allowed) {
        ServerSecurity.Builder security = ServerSecurity.builder(broker);
        for (CurveCertificate peer : allowed) {
            security.allowKey(peer.publicKey());
        }
        MajordomoBroker started = track(
                MajordomoBroker.builder().bind("tcp://127.0.0.1:*").security(security.build()).build());
        started.start();
        return started;
    }

    @Test
    void ourBrokerServesTheirCurveWorkerToOurClientAndOurWorkerToTheirCurveClient() throws IOException {
        CurveCertificate broker = keyPair("broker");
        CurveCertificate theirWorker = keyPair("their-worker");
        CurveCertificate theirClient = keyPair("their-client");
        CurveCertificate ours = keyPair("ours");
        MajordomoBroker started = ourBroker(broker, theirWorker, theirClient, ours);
        String endpoint = started.connectEndpoint();

        track(PythonPeer.startReady("mdp_worker.py", "--connect", endpoint, "--service", "echo", "--prefix", "py:",
                "--server-key=" + broker.publicKey(), "--certificate", secretFile("their-worker")));
        MajordomoClient client = track(MajordomoClient.builder(endpoint)
            .security(ClientSecurity.of(broker.publicKey(), ours))
            .timeout(Duration.ofSeconds(2))
            .retries(5)
            .build());
        await().atMost(Duration.ofSeconds(20)).until(() -> client.serviceExists("echo"));
        assertThat(client.request("echo", List.of(bytes("over"), bytes("curve")))).extracting(RawPeer::text)
            .containsExactly("py:over", "curve");

        MajordomoWorker worker = track(MajordomoWorker.builder(endpoint, "upper",
                (body) -> List.of(RawPeer.text(body.get(0)).toUpperCase().getBytes()))
            .security(ClientSecurity.of(broker.publicKey(), ours))
            .build());
        worker.start();
        // Registered before their client starts: a CURVE handshake that JeroMQ stalls is made again
        // only after CurveKeys' 10 s handshake limit, longer than their client's 5 retries of 2 s.
        await().atMost(Duration.ofSeconds(40)).until(() -> worker.registeredCount() == worker.connections());
        PythonPeer theirs = track(PythonPeer.start("mdp_client.py", "--connect", endpoint, "--service", "upper",
                "--timeout-ms", "2000", "--retries", "5", "--server-key=" + broker.publicKey(), "--certificate",
                secretFile("their-client"), "shout"));
        assertThat(theirs.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(theirs.output()).containsExactly("SHOUT");
    }

    @Test
    void theirCurveBrokerServesOurWorkerAndOurClientWithOurCertificateFiles() throws IOException {
        keyPair("broker");
        CurveCertificate ours = keyPair("ours");
        Path allowed = Files.createDirectory(this.keys.resolve("allowed"));
        // pyzmq's authenticator reads our public certificate file as it is.
        Files.copy(this.keys.resolve("ours.key"), allowed.resolve("ours.key"));
        String endpoint = "tcp://127.0.0.1:" + PythonPeer.freePort();
        track(PythonPeer.startReady("mdp_broker.py", "--bind", endpoint, "--certificate", secretFile("broker"),
                "--authorized-keys-dir", allowed.toString()));
        String brokerKey = CurveCertificate.load(this.keys.resolve("broker.key")).publicKey();

        MajordomoWorker worker = track(MajordomoWorker.builder(endpoint, "echo", (body) -> body)
            .security(ClientSecurity.of(brokerKey, ours))
            .build());
        worker.start();
        MajordomoClient client = track(MajordomoClient.builder(endpoint)
            .security(ClientSecurity.of(brokerKey, ours))
            .timeout(Duration.ofSeconds(2))
            .retries(5)
            .build());
        await().atMost(Duration.ofSeconds(20)).until(() -> client.serviceExists("echo"));
        assertThat(client.request("echo", List.of(bytes("to python")))).extracting(RawPeer::text)
            .containsExactly("to python");

        MajordomoClient stranger = track(MajordomoClient.builder(endpoint)
            .security(ClientSecurity.ephemeral(brokerKey))
            .timeout(Duration.ofMillis(500))
            .retries(0)
            .build());
        assertThatThrownBy(() -> stranger.request("echo", bytes("x")))
            .as("their ZAP handler refuses a key it does not know").isInstanceOf(PirateTimeoutException.class);
    }
}
