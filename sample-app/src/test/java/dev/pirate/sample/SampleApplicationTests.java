package dev.pirate.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.pirate.broker.MajordomoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for starting {@link SampleApplication} the way a user does, with settings on the command line,
 * and for what it leaves behind when it stops.
 */
@Timeout(60)
class SampleApplicationTests {

    @Test
    void commandLineSettingsApplyAndStoppingLeavesNoPirateThread() throws Exception {
        ConfigurableApplicationContext context = SpringApplication.run(SampleApplication.class, "--server.port=0",
                "--pirate.broker.bind=tcp://127.0.0.1:*", "--spring.main.banner-mode=off");
        try {
            assertThat(context.getBean(MajordomoBroker.class).connectEndpoint()).doesNotEndWith(":5555");
            String port = context.getEnvironment().getProperty("local.server.port");
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/services/echo"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("ahoy"))
                .build();
            HttpResponse<String> response = HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("ahoy");
        }
        finally {
            context.close();
        }
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(Thread::isAlive)
                .extracting(Thread::getName)
                .noneMatch((name) -> name.startsWith("pirate-")));
    }
}
