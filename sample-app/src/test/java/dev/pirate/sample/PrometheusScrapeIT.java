package dev.pirate.sample;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.pirate.broker.InvalidReason;
import dev.pirate.broker.MajordomoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application scraped by a real Prometheus: requests, a failure, a timeout with its retry,
 * and a network partition between the workers and the broker (through a {@link TcpProxy}) move exactly
 * the series they should, as Prometheus' HTTP API reports them; every query of the shipped Grafana
 * dashboard is valid and has data.
 * <p>
 * Installs Debian's {@code prometheus} package with {@code scripts/install-prometheus.sh} when it is
 * missing, runs it on a free loopback port with a 1 s scrape interval against the application's random
 * port, and stops both in every case. Run by {@code ./mvnw verify} (failsafe).
 */
class PrometheusScrapeIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static final int ECHOES = 20;

    private static final String JOB = "pirate-sample";

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final JsonMapper json = JsonMapper.builder().build();

    private static Path workDir;

    private static TcpProxy proxy;

    private static ConfigurableApplicationContext app;

    private static Process prometheus;

    private static int appPort;

    private static int prometheusPort;

    @BeforeAll
    static void startApplicationAndPrometheus() throws Exception {
        installPrometheus();
        workDir = Files.createTempDirectory("pirate-prometheus-it");
        proxy = TcpProxy.start();
        app = SpringApplication.run(SampleApplication.class, "--server.port=0", "--spring.main.banner-mode=off",
                "--pirate.broker.bind=tcp://127.0.0.1:*", "--pirate.broker.heartbeat-interval=250ms",
                "--pirate.broker.liveness=3", "--pirate.worker.endpoint=" + proxy.endpoint(),
                "--pirate.worker.heartbeat-interval=250ms", "--pirate.worker.liveness=3",
                "--pirate.worker.reconnect-delay=100ms", "--pirate.worker.max-reconnect-delay=200ms",
                "--pirate.worker.shutdown-grace-period=1s", "--pirate.client.timeout=1s", "--pirate.client.retries=1");
        proxy.forwardTo(app.getBean(MajordomoBroker.class).connectEndpoint());
        appPort = Integer.parseInt(app.getEnvironment().getProperty("local.server.port", "0"));
        prometheusPort = freePort();
        Path config = workDir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: %s
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(JOB, appPort));
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + workDir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("prometheus.log").toFile())
            .start();
        try {
            await().atMost(DEADLINE).ignoreExceptions().until(() -> query("up{job=\"" + JOB + "\"}") == 1.0);
        }
        catch (ConditionTimeoutException ex) {
            throw new IllegalStateException("Prometheus did not scrape the application; its log:\n"
                    + Files.readString(workDir.resolve("prometheus.log")), ex);
        }
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (prometheus != null) {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        finally {
            try {
                if (app != null) {
                    app.close();
                }
                if (proxy != null) {
                    proxy.close();
                }
            }
            finally {
                deleteRecursively(workDir);
            }
        }
    }

    @Test
    @Timeout(90)
    void scrapedSeriesShowRequestsFailuresRetriesAndAPartitionExactly() throws Exception {
        await().atMost(DEADLINE).until(() -> query("sum(pirate_broker_workers{state=\"idle\"})") == 4.0);
        // Series with a bounded set of tag values exist at 0 before their first event.
        assertThat(query("pirate_broker_messages_invalid_total{reason=\"bad_header\"}")).isZero();
        assertThat(query("count(pirate_broker_messages_invalid_total)")).isEqualTo(InvalidReason.values().length);
        assertThat(query("pirate_broker_requests_refused_total{reason=\"expired\"}")).isZero();
        assertThat(query("pirate_broker_requests_expired_total{service=\"echo\"}")).isZero();

        // One request to a service slower than the client: two 1 s attempts, then a timeout. The retry
        // carries the call's request id, so the broker joins it to the first attempt: the slow worker
        // runs the call once.
        assertThat(post("delay", "2500").statusCode()).isEqualTo(504);
        for (int i = 0; i < ECHOES; i++) {
            assertThat(post("echo", "ahoy " + i).statusCode()).isEqualTo(200);
        }
        assertThat(post("wordcount", "{}").statusCode()).as("the handler fails").isEqualTo(502);

        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(query("pirate_client_requests_seconds_count{service=\"echo\",outcome=\"success\"}"))
                .isEqualTo(ECHOES);
            assertThat(query("pirate_worker_requests_seconds_count{service=\"echo\",outcome=\"success\"}"))
                .isEqualTo(ECHOES);
            assertThat(query("pirate_broker_requests_total{service=\"echo\"}")).isEqualTo(ECHOES);
            assertThat(query("pirate_client_retries_total{service=\"echo\"}")).isZero();
            assertThat(query("pirate_client_requests_seconds_count{service=\"delay\",outcome=\"timeout\"}"))
                .isEqualTo(1);
            assertThat(query("pirate_client_retries_total{service=\"delay\"}")).isEqualTo(1);
            assertThat(query("pirate_broker_requests_total{service=\"delay\"}")).isEqualTo(1);
            assertThat(query("pirate_broker_retries_coalesced_total{service=\"delay\"}")).isEqualTo(1);
            assertThat(query("pirate_client_requests_seconds_count{service=\"wordcount\",outcome=\"failed\"}"))
                .isEqualTo(1);
            assertThat(query("pirate_worker_requests_seconds_count{service=\"wordcount\",outcome=\"failed\"}"))
                .isEqualTo(1);
            assertThat(query("histogram_quantile(0.99, sum by (le) "
                    + "(rate(pirate_client_requests_seconds_bucket{service=\"echo\"}[1m])))")).isPositive();
        });
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(query("pirate_worker_requests_seconds_count{service=\"delay\",outcome=\"success\"}"))
                .isEqualTo(1);
            assertThat(query("sum(pirate_broker_requests_queued)")).isZero();
            assertThat(query("sum(pirate_broker_workers{state=\"busy\"})")).isZero();
        });

        // Partition: the broker expires every worker connection exactly once; the workers lose it.
        double expiredBefore = query("sum(pirate_broker_workers_expired_total)");
        Map<String, Double> reconnectsBefore = perService("pirate_worker_reconnects_total");
        proxy.cut();
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(query("sum(pirate_broker_workers_expired_total)")).isEqualTo(expiredBefore + 4);
            assertThat(query("sum(pirate_worker_connected)")).isZero();
            assertThat(query("sum(pirate_broker_workers)")).isZero();
        });
        proxy.heal();
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(query("sum(pirate_worker_connected)")).isEqualTo(4);
            assertThat(query("sum(pirate_broker_workers{state=\"idle\"})")).isEqualTo(4);
            Map<String, Double> reconnects = perService("pirate_worker_reconnects_total");
            assertThat(reconnects).containsOnlyKeys("echo", "wordcount", "delay");
            reconnects.forEach((service, count) -> assertThat(count).as(service)
                .isGreaterThan(reconnectsBefore.getOrDefault(service, 0.0)));
            assertThat(query("min(pirate_worker_heartbeats_missed_total)")).isGreaterThanOrEqualTo(3);
        });
        assertThat(post("echo", "after").statusCode()).isEqualTo(200);
        await().atMost(DEADLINE)
            .untilAsserted(() -> assertThat(
                    query("pirate_client_requests_seconds_count{service=\"echo\",outcome=\"success\"}"))
                .isEqualTo(ECHOES + 1));

        everyDashboardQueryIsValidAndEveryPanelHasData();
    }

    private void everyDashboardQueryIsValidAndEveryPanelHasData() throws IOException, InterruptedException {
        JsonNode dashboard = json.readTree(Paths.get(System.getProperty("pirate.monitoring.dir", "monitoring"))
            .resolve("grafana-dashboard.json")
            .toFile());
        List<String> panelsWithoutData = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("targets").isEmpty()) {
                continue;
            }
            boolean hasData = false;
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asString()
                    .replace("$__rate_interval", "1m")
                    .replace("$job", JOB);
                JsonNode response = api(expr);
                assertThat(response.path("status").asString()).as(expr).isEqualTo("success");
                hasData |= !response.path("data").path("result").isEmpty();
            }
            if (!hasData) {
                panelsWithoutData.add(panel.path("title").asString());
            }
        }
        assertThat(panelsWithoutData).isEmpty();
    }

    private static void installPrometheus() throws IOException, InterruptedException {
        Path script = Paths.get(System.getProperty("pirate.scripts.dir", "../scripts"), "install-prometheus.sh");
        Process install = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
        String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!install.waitFor(5, TimeUnit.MINUTES) || install.exitValue() != 0) {
            throw new IllegalStateException(script + " failed; this test needs a prometheus binary on the PATH:\n"
                    + output);
        }
    }

    /** Sums the values of an instant vector, or returns a scalar; NaN when the result is empty. */
    private static double query(String promql) throws IOException, InterruptedException {
        JsonNode data = api(promql).path("data");
        if ("scalar".equals(data.path("resultType").asString())) {
            return Double.parseDouble(data.path("result").get(1).asString());
        }
        double total = Double.NaN;
        for (JsonNode sample : data.path("result")) {
            double value = Double.parseDouble(sample.path("value").get(1).asString());
            total = Double.isNaN(total) ? value : total + value;
        }
        return total;
    }

    private static Map<String, Double> perService(String metric) throws IOException, InterruptedException {
        Map<String, Double> values = new TreeMap<>();
        for (JsonNode sample : api(metric).path("data").path("result")) {
            values.merge(sample.path("metric").path("service").asString(),
                    Double.parseDouble(sample.path("value").get(1).asString()), Double::sum);
        }
        return values;
    }

    private static JsonNode api(String promql) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    private static HttpResponse<String> post(String service, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/api/services/" + service))
            .header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
