package dev.pirate.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoClient;
import dev.pirate.spring.PirateClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a request through the sample gateway costs compared with the same {@code echo} call made
 * directly with pirate-core's {@link MajordomoClient}, and through the {@link PirateClient} bean, all
 * against the same embedded broker and worker. Sequential calls, one at a time, on loopback.
 * <p>
 * Not part of the normal build; run with
 * {@code ./mvnw -pl sample-app test -Dtest=GatewayOverheadBenchmark -Dpirate.benchmark=true}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "pirate.broker.bind=tcp://127.0.0.1:*", "logging.level.root=WARN" })
@DirtiesContext
@EnabledIfSystemProperty(named = "pirate.benchmark", matches = "true")
@Timeout(300)
class GatewayOverheadBenchmark {

    private static final int WARMUP = 3000;

    private static final int MEASURED = 10000;

    private static final byte[] BODY = "ahoy, a 24-byte request".getBytes(StandardCharsets.UTF_8);

    @LocalServerPort
    private int port;

    @Autowired
    private MajordomoBroker broker;

    @Autowired
    private PirateClient pirateClient;

    @Test
    void gatewayVersusCoreClient() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/services/echo"))
            .header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofByteArray(BODY))
            .build();
        try (MajordomoClient core = MajordomoClient.builder(this.broker.connectEndpoint()).build()) {
            report("pirate-core MajordomoClient", measure(() -> core.request("echo", BODY)));
            report("PirateClient bean", measure(() -> this.pirateClient.request("echo", BODY)));
            report("HTTP gateway (JDK HttpClient)",
                    measure(() -> http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body()));
        }
    }

    private static long[] measure(Callable<byte[]> call) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            assertThat(call.call()).isEqualTo(BODY);
        }
        long[] nanos = new long[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            long start = System.nanoTime();
            byte[] reply = call.call();
            nanos[i] = System.nanoTime() - start;
            assertThat(reply).hasSize(BODY.length);
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void report(String name, long[] sorted) {
        double mean = Arrays.stream(sorted).average().orElse(0) / 1000.0;
        System.out.printf(Locale.ROOT, "BENCHMARK %-32s mean %7.1f us  p50 %7.1f us  p99 %7.1f us  (%d calls)%n", name,
                mean, sorted[sorted.length / 2] / 1000.0, sorted[(int) (sorted.length * 0.99)] / 1000.0, sorted.length);
    }
}
