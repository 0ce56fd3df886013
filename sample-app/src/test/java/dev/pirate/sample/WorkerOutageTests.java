package dev.pirate.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.pirate.broker.MajordomoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for what the actuator shows when the sample application's workers are cut off from its
 * broker and then reconnected: the workers reach the broker through a {@link TcpProxy} that the test
 * cuts. Heartbeats are 100 ms with a liveness of 3, so a 300 ms outage is what counts.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "pirate.broker.bind=tcp://127.0.0.1:*", "pirate.broker.heartbeat-interval=100ms",
                "pirate.broker.liveness=3", "pirate.worker.heartbeat-interval=100ms", "pirate.worker.liveness=3",
                "pirate.worker.reconnect-delay=100ms", "pirate.worker.max-reconnect-delay=200ms",
                "pirate.worker.shutdown-grace-period=1s" })
@DirtiesContext
@Timeout(60)
class WorkerOutageTests {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final JsonMapper json = JsonMapper.builder().build();

    private static TcpProxy proxy;

    @LocalServerPort
    private int port;

    @Autowired
    private MajordomoBroker broker;

    @DynamicPropertySource
    static void workersThroughTheProxy(DynamicPropertyRegistry registry) throws IOException {
        proxy = TcpProxy.start();
        registry.add("pirate.worker.endpoint", proxy::endpoint);
    }

    @AfterAll
    static void stopProxy() throws InterruptedException {
        proxy.close();
    }

    @Test
    void workersAreDownWhileCutOffFromTheBrokerAndUpAgainOnceReconnected() throws Exception {
        proxy.forwardTo(this.broker.connectEndpoint());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(health().statusCode()).isEqualTo(200);
            assertThat(scrape().value("pirate_broker_workers", "state", "idle")).isEqualTo(4.0);
        });
        assertThat(workers().path("details").path("services").path("echo").path("connected").asInt()).isEqualTo(1);
        // Counted from here: on a loaded machine a 100 ms heartbeat can be missed before the cut too.
        PrometheusText beforeCut = scrape();

        proxy.cut();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> response = health();
            assertThat(response.statusCode()).as("pirate DOWN is a 503").isEqualTo(503);
            JsonNode pirate = json.readTree(response.body());
            assertThat(pirate.path("status").asString()).isEqualTo("DOWN");
            assertThat(pirate.path("components").path("broker").path("status").asString()).isEqualTo("UP");
            assertThat(pirate.path("components").path("client").path("status").asString()).isEqualTo("UP");
            JsonNode echo = pirate.path("components").path("workers").path("details").path("services").path("echo");
            assertThat(echo.path("connected").asInt()).isZero();
            assertThat(echo.has("unregisteredFor")).isTrue();
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PrometheusText cutOff = scrape();
            // At least every one of the four; a connection that re-registered just before the cut (a
            // missed 100 ms heartbeat on a busy machine) expires once more. None is left registered.
            assertThat(expiredSince(beforeCut, cutOff)).as("every silent connection").isGreaterThanOrEqualTo(4.0);
            assertThat(expiredSince(beforeCut, cutOff, "service", "wordcount")).isGreaterThanOrEqualTo(2.0);
            assertThat(cutOff.value("pirate_worker_connected")).isZero();
            assertThat(cutOff.value("pirate_broker_workers")).isZero();
            assertThat(cutOff.value("pirate_worker_heartbeats_missed_total", "service", "echo"))
                .isGreaterThanOrEqualTo(3.0);
        });

        proxy.heal();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(health().statusCode()).isEqualTo(200);
            JsonNode echo = workers().path("details").path("services").path("echo");
            assertThat(echo.path("connected").asInt()).isEqualTo(1);
            assertThat(echo.path("reconnects").asLong()).isPositive();
            PrometheusText healed = scrape();
            assertThat(healed.value("pirate_worker_connected", "service", "wordcount")).isEqualTo(2.0);
            assertThat(healed.value("pirate_broker_workers", "state", "idle")).isEqualTo(4.0);
            for (String service : new String[] { "echo", "wordcount", "delay" }) {
                assertThat(healed.value("pirate_worker_reconnects_total", "service", service)).isPositive();
            }
        });
        HttpRequest echo = HttpRequest.newBuilder(uri("/api/services/echo"))
            .POST(HttpRequest.BodyPublishers.ofString("back"))
            .build();
        assertThat(http.send(echo, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("back");
    }

    /** Worker connections the broker expired between two scrapes; a series not yet created counts 0. */
    private static double expiredSince(PrometheusText before, PrometheusText after, String... labels) {
        Double from = before.value("pirate_broker_workers_expired_total", labels);
        return after.value("pirate_broker_workers_expired_total", labels) - ((from != null) ? from : 0.0);
    }

    private JsonNode workers() throws IOException, InterruptedException {
        return json.readTree(health().body()).path("components").path("workers");
    }

    private HttpResponse<String> health() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri("/actuator/health/pirate")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private PrometheusText scrape() throws IOException, InterruptedException {
        return PrometheusText.parse(http
            .send(HttpRequest.newBuilder(uri("/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString())
            .body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + this.port + path);
    }
}
