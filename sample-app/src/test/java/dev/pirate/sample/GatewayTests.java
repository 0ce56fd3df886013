package dev.pirate.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.PirateRemoteException;
import dev.pirate.sample.WordCountService.TextRequest;
import dev.pirate.sample.WordCountService.WordCount;
import dev.pirate.server.ThreadedServer;
import dev.pirate.testing.UpperCaseServer;
import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.test.EmbeddedPirateBroker;
import dev.pirate.spring.test.PirateTestSupport;
import dev.pirate.worker.RequestHandler;

/**
 * Tests for the sample application over real sockets: the HTTP gateway on a random port, the
 * embedded broker on a free loopback port, every handler shape and every gateway status.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "pirate.client.timeout=1s",
                "pirate.client.retries=1", "pirate.worker.shutdown-grace-period=5s" })
@Import({ GatewayTests.Reverse.class, GatewayTests.Swap.class, GatewayTests.Raw.class, GatewayTests.Boom.class,
        GatewayTests.Slow.class })
@EmbeddedPirateBroker
@DirtiesContext
@Timeout(60)
class GatewayTests {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final JsonMapper json = JsonMapper.builder().build();

    private static ThreadedServer upperServer;

    @LocalServerPort
    private int port;

    @Autowired
    private PirateClient pirateClient;

    @Autowired
    private MajordomoBroker broker;

    @DynamicPropertySource
    static void directEndpoint(DynamicPropertyRegistry registry) throws InterruptedException {
        upperServer = UpperCaseServer.start();
        registry.add("pirate.client.direct.upper.endpoint", upperServer::endpoint);
        // More attempts than the class default: a JeroMQ handshake stall costs up to a second.
        registry.add("pirate.client.direct.upper.retries", () -> "4");
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        upperServer.close();
    }

    @Test
    void brokerIsBoundToAFreeLoopbackPort() {
        assertThat(this.broker.connectEndpoint()).startsWith("tcp://127.0.0.1:").doesNotEndWith(":5555");
    }

    @Test
    void echoAnswersWithTheSameTextAndContentType() throws Exception {
        HttpResponse<byte[]> response = post("/api/services/echo", "ahoy", "text/plain");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(text(response)).isEqualTo("ahoy");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain");
    }

    @Test
    void wordCountTakesAndGivesJson() throws Exception {
        HttpResponse<byte[]> response = post("/api/services/wordcount", "{\"text\":\"the quick brown fox\"}",
                "application/json");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode reply = json.readTree(response.body());
        assertThat(reply.get("words").asInt()).isEqualTo(4);
        assertThat(reply.get("characters").asInt()).isEqualTo(19);
    }

    @Test
    void typedCallThroughPirateClient() {
        assertThat(this.pirateClient.request("wordcount", new TextRequest("  one two  "), WordCount.class))
            .isEqualTo(new WordCount(2, 11));
    }

    @Test
    void bytesHandlerThroughTheGateway() throws Exception {
        HttpResponse<byte[]> response = post("/api/services/reverse", new byte[] { 1, 2, 3, (byte) 0xff },
                "application/octet-stream");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsExactly(0xff, 3, 2, 1);
    }

    @Test
    void requestWithoutContentTypeIsAnsweredAsOctetStream() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/api/services/reverse"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] { 7, 8 }))
            .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsExactly(8, 7);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    }

    @Test
    void multiFrameHandlerThroughPirateClient() {
        assertThat(this.pirateClient.requestFrames("swap", List.of(utf8("a"), utf8("b"), utf8("c"))))
            .containsExactly(utf8("c"), utf8("b"), utf8("a"));
    }

    @Test
    void rawRequestHandlerThroughPirateClientAndGateway() throws Exception {
        assertThat(this.pirateClient.requestFrames("raw", List.of(utf8("x")))).containsExactly(utf8("x"),
                utf8("raw"));
        HttpResponse<byte[]> response = post("/api/services/raw", "y", "text/plain");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(text(response)).isEqualTo("y");
    }

    @Test
    void failingHandlerIs502WithTheHandlersMessage() throws Exception {
        HttpResponse<byte[]> response = post("/api/services/boom", "now", "text/plain");
        JsonNode problem = assertProblem(response, 502);
        assertThat(problem.get("title").asString()).isEqualTo("Service failed");
        assertThat(problem.get("service").asString()).isEqualTo("boom");
        assertThat(problem.get("detail").asString()).contains("boom").contains("kaboom: now");
    }

    @Test
    void failingHandlerReachesPirateClientAsRemoteException() {
        assertThatExceptionOfType(PirateRemoteException.class)
            .isThrownBy(() -> this.pirateClient.request("boom", "later"))
            .satisfies((ex) -> assertThat(ex.remoteMessage()).contains("kaboom: later").doesNotContain("IllegalStateException"));
    }

    @Test
    void invalidJsonRequestIs502() throws Exception {
        assertProblem(post("/api/services/wordcount", "{\"text\":", "application/json"), 502);
    }

    @Test
    void serviceWithoutWorkerIs404() throws Exception {
        JsonNode problem = assertProblem(post("/api/services/nobody", "hello", "text/plain"), 404);
        assertThat(problem.get("title").asString()).isEqualTo("Unknown service");
        assertThat(problem.get("service").asString()).isEqualTo("nobody");
    }

    @Test
    void invalidServiceNameIs400() throws Exception {
        assertProblem(post("/api/services/two%20words", "x", "text/plain"), 400);
        assertProblem(post("/api/services/" + "s".repeat(256), "x", "text/plain"), 400);
        assertProblem(post("/api/services/caf%C3%A9", "x", "text/plain"), 400);
    }

    @Test
    void slowServiceIs504AfterTheRetries() throws Exception {
        JsonNode problem = assertProblem(post("/api/services/slow", "x", "text/plain"), 504);
        assertThat(problem.get("title").asString()).isEqualTo("Service timed out");
        assertThat(problem.get("attempts").asInt()).isEqualTo(2);
        assertThat(problem.get("detail").asString()).contains("slow");
    }

    @Test
    void directEndpointAnswersWithoutBroker() throws Exception {
        HttpResponse<byte[]> response = post("/api/direct/upper", "quiet please", "text/plain");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(text(response)).isEqualTo("QUIET PLEASE");
    }

    @Test
    void unconfiguredDirectEndpointIs404() throws Exception {
        JsonNode problem = assertProblem(post("/api/direct/billing", "x", "text/plain"), 404);
        assertThat(problem.get("detail").asString()).contains("billing");
    }

    @Test
    void healthIsUpOnceEveryServiceHasRegistered(@Autowired ApplicationContext context) throws Exception {
        PirateTestSupport.awaitWorkersRegistered(context);
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri("/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body()).get("status").asString()).isEqualTo("UP");
    }

    private JsonNode assertProblem(HttpResponse<byte[]> response, int status) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        return problem;
    }

    private HttpResponse<byte[]> post(String path, String body, String contentType)
            throws IOException, InterruptedException {
        return post(path, utf8(body), contentType);
    }

    private HttpResponse<byte[]> post(String path, byte[] body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + this.port + path);
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @MajordomoService("reverse")
    static class Reverse {

        @MajordomoHandler
        byte[] reverse(byte[] body) {
            byte[] reversed = new byte[body.length];
            for (int i = 0; i < body.length; i++) {
                reversed[i] = body[body.length - 1 - i];
            }
            return reversed;
        }
    }

    @MajordomoService("swap")
    static class Swap {

        @MajordomoHandler
        List<byte[]> swap(List<byte[]> frames) {
            List<byte[]> swapped = new ArrayList<>(frames);
            Collections.reverse(swapped);
            return swapped;
        }
    }

    @MajordomoService("raw")
    static class Raw implements RequestHandler {

        @Override
        public List<byte[]> handle(List<byte[]> body) {
            return List.of(body.get(0), utf8("raw"));
        }
    }

    @MajordomoService("boom")
    static class Boom {

        @MajordomoHandler
        String explode(String text) {
            throw new IllegalStateException("kaboom: " + text);
        }
    }

    @MajordomoService("slow")
    static class Slow {

        @MajordomoHandler
        String dawdle(String text) throws InterruptedException {
            // Registered and alive, but slower than the client's 1 s timeout.
            Thread.sleep(3000);
            return text;
        }
    }
}
