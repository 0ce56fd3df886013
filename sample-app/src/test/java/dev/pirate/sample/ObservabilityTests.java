package dev.pirate.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.support.Sockets;
import dev.pirate.spring.test.EmbeddedPirateBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for what the sample application shows over HTTP: the {@code pirate} health contributor, the
 * {@code pirate} endpoint and every Pirate series of {@code /actuator/prometheus}, moved by requests
 * through the gateway.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "pirate.client.timeout=500ms",
                "pirate.client.retries=1", "pirate.worker.shutdown-grace-period=1s" })
@EmbeddedPirateBroker
@DirtiesContext
@Timeout(60)
class ObservabilityTests {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @Autowired
    private MajordomoBroker broker;

    @Test
    void healthShowsBrokerWorkersAndClientUp() throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> response = get("/actuator/health/pirate");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode pirate = json.readTree(response.body());
            assertThat(pirate.path("status").asString()).isEqualTo("UP");
            JsonNode components = pirate.path("components");
            assertThat(components.path("broker").path("status").asString()).isEqualTo("UP");
            assertThat(components.path("broker").path("details").path("services").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(components.path("broker").path("details").path("workers").asInt()).isEqualTo(4);
            JsonNode services = components.path("workers").path("details").path("services");
            assertThat(components.path("workers").path("status").asString()).isEqualTo("UP");
            assertThat(services.path("echo").path("connected").asInt()).isEqualTo(1);
            assertThat(services.path("wordcount").path("connected").asInt()).isEqualTo(2);
            assertThat(services.path("wordcount").path("connections").asInt()).isEqualTo(2);
            assertThat(services.path("delay").path("reconnects").asInt()).isZero();
            assertThat(services.path("delay").path("lastHeartbeat").asString()).endsWith("Z");
            assertThat(components.path("client").path("status").asString()).isEqualTo("UP");
        });
        JsonNode overall = json.readTree(get("/actuator/health").body());
        assertThat(overall.path("components").path("pirate").path("status").asString()).isEqualTo("UP");
    }

    @Test
    void pirateEndpointShowsTheBrokerServicesTheWorkersAndTheClient() throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> response = get("/actuator/pirate");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode pirate = json.readTree(response.body());
            JsonNode broker = pirate.path("broker");
            assertThat(broker.path("running").asBoolean()).isTrue();
            assertThat(broker.path("endpoints").get(0).asString())
                .isEqualTo(this.broker.snapshot().endpoints().get(0));
            List<String> names = new ArrayList<>();
            broker.path("services").forEach((service) -> names.add(service.path("name").asString()));
            assertThat(names).as("sorted by name").isSorted().contains("delay", "echo", "wordcount");
            JsonNode wordcount = broker.path("services").get(names.indexOf("wordcount"));
            assertThat(wordcount.path("idleWorkers").asInt() + wordcount.path("busyWorkers").asInt()).isEqualTo(2);
            assertThat(wordcount.has("queued")).isTrue();
            assertThat(wordcount.has("served")).isTrue();
            assertThat(broker.path("workersExpired").asLong()).isZero();
            List<String> workers = new ArrayList<>();
            pirate.path("workers").forEach((worker) -> workers.add(worker.path("service").asString()
                    + " " + worker.path("connected").asInt() + "/" + worker.path("connections").asInt()));
            assertThat(workers).containsExactlyInAnyOrder("echo 1/1", "wordcount 2/2", "delay 1/1");
            assertThat(pirate.path("client").path("state").asString()).isIn("idle", "open");
        });
    }

    @Test
    void prometheusSeriesMoveWithRequestsFailuresTimeoutsAndInvalidMessages() throws Exception {
        // Registered on both sides: a worker connection counts as connected once the broker has
        // answered it (a heartbeat or a request), which can come a heartbeat after its READY.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(this.broker.snapshot().workers()).isEqualTo(4);
            assertThat(scrape().value("pirate_worker_connected")).isEqualTo(4.0);
        });
        PrometheusText before = scrape();

        for (int i = 0; i < 5; i++) {
            assertThat(post("echo", "ahoy").statusCode()).isEqualTo(200);
        }
        assertThat(post("wordcount", "{}").statusCode()).as("handler fails").isEqualTo(502);
        assertThat(post("nosuch", "x").statusCode()).as("unknown service").isEqualTo(404);
        assertThat(post("delay", "2000").statusCode()).as("two 500 ms attempts, then timeout").isEqualTo(504);

        // The delay worker is still busy with the first attempt; the retry carried the same request id,
        // so the broker joined it to that attempt instead of queueing a second copy (PX/1).
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            PrometheusText during = scrape();
            assertThat(during.value("pirate_broker_requests_queued", "service", "delay")).isZero();
            assertThat(during.value("pirate_broker_workers", "service", "delay", "state", "busy")).isEqualTo(1.0);
            assertThat(during.value("pirate_broker_retries_coalesced_total", "service", "delay")).isEqualTo(1.0);
        });
        // After the check above, which has only until the delay handler's 2 s are up.
        sendInvalidMessageToTheBroker();

        PrometheusText after = scrape();
        assertIncrease(before, after, 5, "pirate_client_requests_seconds_count", "service", "echo", "outcome",
                "success");
        assertIncrease(before, after, 1, "pirate_client_requests_seconds_count", "service", "wordcount", "outcome",
                "failed");
        assertIncrease(before, after, 1, "pirate_client_requests_seconds_count", "service", "nosuch", "outcome",
                "unknown_service");
        assertIncrease(before, after, 1, "pirate_client_requests_seconds_count", "service", "delay", "outcome",
                "timeout");
        assertThat(after.value("pirate_client_requests_seconds_bucket", "service", "echo", "outcome", "success"))
            .as("percentile histogram").isPositive();
        assertIncrease(before, after, 0, "pirate_client_retries_total", "service", "echo");
        assertIncrease(before, after, 1, "pirate_client_retries_total", "service", "delay");
        assertIncrease(before, after, 1, "pirate_client_retries_total", "service", "nosuch");
        assertIncrease(before, after, 5, "pirate_worker_requests_seconds_count", "service", "echo", "outcome",
                "success");
        assertIncrease(before, after, 1, "pirate_worker_requests_seconds_count", "service", "wordcount", "outcome",
                "failed");
        assertIncrease(before, after, 5, "pirate_broker_requests_total", "service", "echo");
        // Each retry carried its call's request id: the broker took one request per call, not per attempt.
        assertIncrease(before, after, 1, "pirate_broker_requests_total", "service", "delay");
        assertIncrease(before, after, 1, "pirate_broker_requests_total", "service", "nosuch");
        assertIncrease(before, after, 1, "pirate_broker_messages_invalid_total", "reason", "bad_header");
        assertThat(after.value("pirate_worker_connected", "service", "echo")).isEqualTo(1.0);
        assertThat(after.value("pirate_worker_connected", "service", "wordcount")).isEqualTo(2.0);
        assertThat(after.value("pirate_worker_reconnects_total", "service", "echo")).isZero();
        assertThat(after.value("pirate_worker_heartbeats_missed_total", "service", "echo")).isZero();
        assertThat(after.value("pirate_broker_workers_expired_total", "service", "echo")).isZero();
        assertThat(after.value("pirate_broker_workers", "service", "echo", "state", "idle")).isEqualTo(1.0);

        // The delay handler runs once for the call and its retry; the worker is idle again.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PrometheusText drained = scrape();
            assertIncrease(before, drained, 1, "pirate_worker_requests_seconds_count", "service", "delay", "outcome",
                    "success");
            assertThat(drained.value("pirate_broker_requests_queued", "service", "delay")).isZero();
            assertThat(drained.value("pirate_broker_workers", "service", "delay", "state", "idle")).isEqualTo(1.0);
        });
    }

    private void sendInvalidMessageToTheBroker() {
        try (ZContext context = new ZContext(1)) {
            // Pirate's socket settings: a 1 s handshake interval re-makes a connection that JeroMQ 0.6.0
            // leaves stalled in its handshake, instead of after the library's default 30 s.
            ZMQ.Socket socket = Sockets.create(context, SocketType.DEALER);
            socket.connect(this.broker.connectEndpoint());
            socket.send(new byte[0], ZMQ.SNDMORE);
            socket.send("NOT-MDP", ZMQ.SNDMORE);
            socket.send("junk", 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.snapshot().invalidMessages() > 0);
        }
    }

    private static void assertIncrease(PrometheusText before, PrometheusText after, double expected, String name,
            String... labels) {
        double was = (before.value(name, labels) != null) ? before.value(name, labels) : 0;
        assertThat(after.value(name, labels)).as("%s %s", name, String.join(",", labels)).isEqualTo(was + expected);
    }

    private PrometheusText scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String service, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri("/api/services/" + service))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + this.port + path);
    }
}
