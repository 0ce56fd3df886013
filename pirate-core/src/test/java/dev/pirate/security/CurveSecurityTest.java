package dev.pirate.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.broker.BrokerSnapshot;
import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.DirectClient;
import dev.pirate.client.MajordomoClient;
import dev.pirate.client.PirateRefusedException;
import dev.pirate.client.PirateTimeoutException;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.protocol.RefusalReason;
import dev.pirate.queue.PirateQueue;
import dev.pirate.queue.QueueMode;
import dev.pirate.server.ThreadedServer;
import dev.pirate.testing.RecordingListener;
import dev.pirate.testing.Resources;
import dev.pirate.worker.MajordomoWorker;
import dev.pirate.worker.QueueWorker;

/**
 * CURVE encryption, ZAP authentication and per-service authorization, end to end over loopback TCP.
 */
@Timeout(120)
class CurveSecurityTest {

    private static final CurveCertificate BROKER = CurveCertificate.generate();

    private static final CurveCertificate WORKER = CurveCertificate.generate();

    private static final CurveCertificate CLIENT = CurveCertificate.generate();

    private static final CurveCertificate STRANGER = CurveCertificate.generate();

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final Resources resources = new Resources();

    private final RecordingListener events = new RecordingListener();

    private final AtomicInteger handled = new AtomicInteger();

    private MajordomoBroker broker(ServerSecurity security) {
        MajordomoBroker broker = this.resources.track(MajordomoBroker.builder()
            .bind("tcp://127.0.0.1:*")
            .security(security)
            .listener(this.events)
            .workerReturnTime(Duration.ofMillis(100))
            .build());
        broker.start();
        return broker;
    }

    private MajordomoWorker echoWorker(String endpoint, String service, CurveCertificate certificate) {
        MajordomoWorker worker = this.resources.track(MajordomoWorker
            .builder(endpoint, service, (body) -> {
                this.handled.incrementAndGet();
                return body;
            })
            .security(ClientSecurity.of(BROKER.publicKey(), certificate))
            .reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(500))
            .build());
        worker.start();
        return worker;
    }

    private MajordomoClient client(String endpoint, CurveCertificate certificate, Duration timeout) {
        return this.resources.track(MajordomoClient.builder(endpoint)
            .security(ClientSecurity.of(BROKER.publicKey(), certificate))
            .timeout(timeout)
            .retries(0)
            .build());
    }

    private static ServerSecurity.Builder allowing(CurveCertificate... peers) {
        ServerSecurity.Builder builder = ServerSecurity.builder(BROKER);
        for (CurveCertificate peer : peers) {
            builder.allowKey(peer.publicKey());
        }
        return builder;
    }

    private static int workersOf(MajordomoBroker broker, String service) {
        BrokerSnapshot snapshot = broker.snapshot();
        return snapshot.services().stream().filter((s) -> s.name().equals(service))
            .mapToInt((s) -> s.idleWorkers() + s.busyWorkers()).sum();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anUnknownKeyGetsNothingThroughWhileAllowedKeysAreServed() {
        MajordomoBroker broker = broker(allowing(WORKER, CLIENT).build());
        String endpoint = broker.connectEndpoint();
        echoWorker(endpoint, "echo", WORKER);
        await().atMost(WAIT).until(() -> this.events.count("brokerWorkerRegistered:echo") == 1);
        echoWorker(endpoint, "echo", STRANGER);
        MajordomoClient stranger = client(endpoint, STRANGER, Duration.ofMillis(500));
        MajordomoClient allowed = client(endpoint, CLIENT, Duration.ofSeconds(10));
        try (ZContext context = new ZContext(1)) {
            // A stranger that speaks garbage: had it reached the broker's loop, it would be counted.
            ZMQ.Socket raw = context.createSocket(SocketType.DEALER);
            ClientSecurity.of(BROKER.publicKey(), STRANGER).applyTo(raw);
            raw.connect(endpoint);
            raw.send("not majordomo");

            assertThatThrownBy(() -> stranger.request("echo", bytes("from a stranger")))
                .isInstanceOf(PirateTimeoutException.class);
            for (int i = 0; i < 20; i++) {
                assertThat(text(allowed.request("echo", bytes("call " + i)))).isEqualTo("call " + i);
            }
        }
        assertThat(this.events.count("brokerRequest:echo")).as("only the allowed client's requests").isEqualTo(20);
        assertThat(this.handled).hasValue(20);
        assertThat(this.events.count("brokerWorkerRegistered:echo")).as("only the allowed worker").isEqualTo(1);
        assertThat(workersOf(broker, "echo")).isEqualTo(1);
        assertThat(this.events.count("brokerMessageDropped:bad_header")).as("the garbage never arrived").isZero();
    }

    @Test
    void aWorkerWithoutPermissionForAServiceCannotRegisterForItAndAnAllowedOneCan() {
        ServiceRules rules = ServiceRules.builder()
            .service("payments", List.of(WORKER.publicKey()), List.of(CLIENT.publicKey()))
            .build();
        MajordomoBroker broker = broker(allowing(WORKER, CLIENT, STRANGER).rules(rules).build());
        String endpoint = broker.connectEndpoint();
        echoWorker(endpoint, "payments", STRANGER);
        await().atMost(WAIT).until(() -> this.events.count("brokerDisconnectSent:forbidden") >= 1);
        assertThat(this.events.count("brokerMessageDropped:forbidden")).isPositive();
        assertThat(this.events.count("brokerWorkerRegistered:payments")).isZero();

        echoWorker(endpoint, "payments", WORKER);
        await().atMost(WAIT).until(() -> this.events.count("brokerWorkerRegistered:payments") == 1);
        MajordomoClient client = client(endpoint, CLIENT, Duration.ofSeconds(10));
        for (int i = 0; i < 5; i++) {
            assertThat(text(client.request("payments", bytes("pay " + i)))).isEqualTo("pay " + i);
        }
        assertThat(this.events.count("brokerWorkerRegistered:payments")).as("the stranger never registered")
            .isEqualTo(1);
        // A CURVE connection of the allowed worker that a loaded machine stalls is made again (and
        // registered again); the broker never holds more than that one worker for the service.
        await().atMost(WAIT).until(() -> workersOf(broker, "payments") == 1);
    }

    @Test
    void aClientWithoutPermissionForAServiceIsRefusedForbiddenAndAnAllowedOneIsServed() {
        ServiceRules rules = ServiceRules.builder()
            .service("payments", List.of(WORKER.publicKey()), List.of(CLIENT.publicKey()))
            .build();
        MajordomoBroker broker = broker(allowing(WORKER, CLIENT, STRANGER).rules(rules).build());
        String endpoint = broker.connectEndpoint();
        echoWorker(endpoint, "payments", WORKER);
        await().atMost(WAIT).until(() -> this.events.count("brokerWorkerRegistered:payments") == 1);
        MajordomoClient stranger = client(endpoint, STRANGER, Duration.ofSeconds(10));
        MajordomoClient client = client(endpoint, CLIENT, Duration.ofSeconds(10));
        // A first call also settles PX/1 with the broker, which a refusal needs (a plain request is dropped).
        assertThat(stranger.serviceExists("payments")).as("mmi.* stays open to every allowed key").isTrue();
        assertThat(client.serviceExists("payments")).isTrue();

        assertThatThrownBy(() -> stranger.request("payments", bytes("steal")))
            .isInstanceOfSatisfying(PirateRefusedException.class, (refused) -> {
                assertThat(refused.reason()).isEqualTo(RefusalReason.FORBIDDEN);
                assertThat(refused.isTransient()).isFalse();
                assertThat(refused.getMessage()).contains("forbidden", "payments");
            });
        assertThatThrownBy(() -> client.request("unlisted", bytes("x")))
            .as("a service without a rule, and no '*' rule: nobody may call it")
            .isInstanceOfSatisfying(PirateRefusedException.class,
                    (refused) -> assertThat(refused.reason()).isEqualTo(RefusalReason.FORBIDDEN));
        assertThat(this.handled).as("the refused request never reached the worker").hasValue(0);
        assertThat(text(client.request("payments", bytes("pay")))).isEqualTo("pay");
        assertThat(this.handled).hasValue(1);
        assertThat(this.events.count("brokerRequestRefused:forbidden")).isEqualTo(2);
    }

    @Test
    void aForbiddenReadyGetsDisconnectAndAForbiddenRequestTheRfcRefusalFrameForFrame() {
        ServiceRules rules = ServiceRules.builder()
            .service("payments", List.of(WORKER.publicKey()), List.of(CLIENT.publicKey()))
            .build();
        MajordomoBroker broker = broker(allowing(STRANGER).rules(rules).build());
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket raw = context.createSocket(SocketType.DEALER);
            // Generous: a connection that stalls in its handshake (JeroMQ 0.6.0, see Sockets) is retried
            // after the CURVE handshake limit of 10 s.
            raw.setReceiveTimeOut((int) WAIT.toMillis());
            ClientSecurity.of(BROKER.publicKey(), STRANGER).applyTo(raw);
            raw.connect(broker.connectEndpoint());

            raw.sendMore(new byte[0]);
            raw.sendMore("MDPW01");
            raw.sendMore(new byte[] { 0x01 });
            raw.send("payments");
            assertThat(receive(raw)).as("DISCONNECT (RFC 7), nothing else")
                .containsExactly("", "MDPW01", "0x05");

            raw.sendMore(new byte[0]);
            raw.sendMore("MDPC01");
            raw.sendMore("payments");
            raw.sendMore(PirateExtension.pxFrame(null, -1));
            raw.send("steal");
            List<String> refusal = receive(raw);
            assertThat(refusal.subList(0, 5)).as("PX/1 section 4: a refusal of reason forbidden")
                .containsExactly("", "MDPC01", "payments", "0x005049524154452d52454655534544", "forbidden");
            assertThat(refusal.get(5)).contains("payments").doesNotContain(CLIENT.publicKey());
        }
        assertThat(workersOf(broker, "payments")).isZero();
    }

    /** Receives one message; frames that are not printable ASCII are shown in hexadecimal, as 0x... */
    private static List<String> receive(ZMQ.Socket socket) {
        List<String> frames = new ArrayList<>();
        do {
            byte[] frame = socket.recv();
            assertThat(frame).as("a frame within the receive timeout").isNotNull();
            boolean printable = true;
            for (byte b : frame) {
                printable &= b >= 0x20 && b < 0x7f;
            }
            frames.add(printable ? new String(frame, StandardCharsets.US_ASCII)
                    : "0x" + HexFormat.of().formatHex(frame));
        }
        while (socket.hasReceiveMore());
        return frames;
    }

    @Test
    void aPeerInTheBrokersOwnProcessIsTrustedWhileRemotePeersAreJudgedByTheirKeys() {
        ServiceRules rules = ServiceRules.builder()
            .service("payments", List.of(WORKER.publicKey()), List.of(CLIENT.publicKey()))
            .build();
        try (ZContext shared = new ZContext(1)) {
            String inproc = "inproc://curve-security-test";
            MajordomoBroker broker = this.resources.track(MajordomoBroker.builder()
                .context(shared)
                .bind(inproc)
                .bind("tcp://127.0.0.1:*")
                .security(allowing(STRANGER, CLIENT).rules(rules).build())
                .listener(this.events)
                .workerReturnTime(Duration.ofMillis(100))
                .build());
            broker.start();
            MajordomoWorker local = MajordomoWorker.builder(inproc, "payments", (body) -> body).context(shared).build();
            local.start();
            try {
                await().atMost(WAIT).until(() -> this.events.count("brokerWorkerRegistered:payments") == 1);
                String tcp = broker.endpoints().get(1);
                MajordomoClient client = client(tcp, CLIENT, Duration.ofSeconds(10));
                assertThat(text(client.request("payments", bytes("from afar")))).isEqualTo("from afar");
                MajordomoClient stranger = client(tcp, STRANGER, Duration.ofSeconds(10));
                assertThat(stranger.serviceExists("payments")).isTrue();
                assertThatThrownBy(() -> stranger.request("payments", bytes("x")))
                    .isInstanceOfSatisfying(PirateRefusedException.class,
                            (refused) -> assertThat(refused.reason()).isEqualTo(RefusalReason.FORBIDDEN));
            }
            finally {
                local.close();
                broker.close();
            }
        }
    }

    @Test
    void theBytesOnTheWireCarryNoPlaintextBodyWithCurveAndDoWithout() throws Exception {
        byte[] canary = bytes("plaintext-canary-7f3a9c");
        assertThat(ByteCapturingProxy.contains(roundTripThroughProxy(null, canary), canary))
            .as("the capture sees plain text when CURVE is off").isTrue();
        assertThat(ByteCapturingProxy.contains(roundTripThroughProxy(allowing(WORKER, CLIENT).build(), canary), canary))
            .as("no plain text with CURVE").isFalse();
    }

    /** Calls through a capturing proxy, the worker's traffic through it as well; returns the bytes seen. */
    private byte[] roundTripThroughProxy(ServerSecurity security, byte[] canary) throws Exception {
        MajordomoBroker broker = broker(security);
        int port = Integer.parseInt(broker.connectEndpoint().substring(broker.connectEndpoint().lastIndexOf(':') + 1));
        ByteCapturingProxy proxy = this.resources.track(new ByteCapturingProxy(port));
        String service = (security != null) ? "secured" : "plain";
        MajordomoWorker.Builder worker = MajordomoWorker.builder(proxy.endpoint(), service, (body) -> body);
        MajordomoClient.Builder client = MajordomoClient.builder(proxy.endpoint()).timeout(Duration.ofSeconds(10));
        if (security != null) {
            worker.security(ClientSecurity.of(BROKER.publicKey(), WORKER));
            client.security(ClientSecurity.of(BROKER.publicKey(), CLIENT));
        }
        this.resources.track(worker.build()).start();
        // A CURVE handshake costs JeroMQ tens of milliseconds of CPU, more on a loaded machine: the worker
        // must be registered before the call, or the broker may already call its service unknown.
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.snapshot().workers() == 1);
        MajordomoClient caller = this.resources.track(client.build());
        assertThat(caller.request(service, canary)).isEqualTo(canary);
        byte[] captured = proxy.captured();
        assertThat(captured.length).as("the traffic went through the proxy").isGreaterThan(canary.length * 2);
        return captured;
    }

    @Test
    void aDirectoryOfPublicCertificatesIsReadAgainWhenItChanges(@TempDir Path allowed) throws Exception {
        MajordomoBroker broker = broker(allowing(WORKER).allowDirectory(allowed).build());
        String endpoint = broker.connectEndpoint();
        echoWorker(endpoint, "echo", WORKER);
        await().atMost(WAIT).until(() -> this.events.count("brokerWorkerRegistered:echo") == 1);
        MajordomoClient before = client(endpoint, CLIENT, Duration.ofMillis(500));
        assertThatThrownBy(() -> before.request("echo", bytes("too early"))).isInstanceOf(PirateTimeoutException.class);

        CurveCertificate.ofPublicKey(CLIENT.publicKey()).save(allowed.resolve("client.key"));
        MajordomoClient after = client(endpoint, CLIENT, Duration.ofSeconds(5));
        assertThat(text(after.request("echo", bytes("now allowed")))).isEqualTo("now allowed");

        Files.delete(allowed.resolve("client.key"));
        await().atMost(WAIT).pollDelay(Duration.ofMillis(300)).untilAsserted(() -> {
            // A new connection (a new client) is checked against the directory as it is now.
            MajordomoClient removed = client(endpoint, CLIENT, Duration.ofMillis(500));
            assertThatThrownBy(() -> removed.request("echo", bytes("revoked")))
                .isInstanceOf(PirateTimeoutException.class);
        });
    }

    @Test
    void aThreadedServerWithCurveServesAllowedKeysOnly() {
        ThreadedServer server = this.resources.track(ThreadedServer
            .builder("tcp://127.0.0.1:*", (body) -> List.of(bytes(text(body.get(0)).toUpperCase())))
            .security(allowing(CLIENT).build())
            .build());
        server.start();
        DirectClient client = this.resources.track(DirectClient.builder(server.endpoint())
            .security(ClientSecurity.of(BROKER.publicKey(), CLIENT)).timeout(Duration.ofSeconds(10)).retries(0).build());
        DirectClient stranger = this.resources.track(DirectClient.builder(server.endpoint())
            .security(ClientSecurity.of(BROKER.publicKey(), STRANGER)).timeout(Duration.ofMillis(500)).retries(0)
            .build());
        assertThat(text(client.request(bytes("hello")))).isEqualTo("HELLO");
        assertThatThrownBy(() -> stranger.request(bytes("hello"))).isInstanceOf(PirateTimeoutException.class);
    }

    @Test
    void aParanoidQueueWithCurveServesAllowedClientsThroughAllowedWorkers() {
        PirateQueue queue = this.resources.track(PirateQueue
            .builder(QueueMode.PARANOID, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
            .security(allowing(WORKER, CLIENT).build())
            .build());
        queue.start();
        QueueWorker worker = this.resources.track(QueueWorker.paranoid(queue.backendEndpoint(), (body) -> body)
            .security(ClientSecurity.of(BROKER.publicKey(), WORKER))
            .build());
        worker.start();
        DirectClient client = this.resources.track(DirectClient.builder(queue.frontendEndpoint())
            .security(ClientSecurity.of(BROKER.publicKey(), CLIENT)).timeout(Duration.ofSeconds(10)).build());
        DirectClient stranger = this.resources.track(DirectClient.builder(queue.frontendEndpoint())
            .security(ClientSecurity.of(BROKER.publicKey(), STRANGER)).timeout(Duration.ofMillis(500)).retries(0)
            .build());
        assertThat(text(client.request(bytes("through the queue")))).isEqualTo("through the queue");
        assertThatThrownBy(() -> stranger.request(bytes("hello"))).isInstanceOf(PirateTimeoutException.class);
    }
}
