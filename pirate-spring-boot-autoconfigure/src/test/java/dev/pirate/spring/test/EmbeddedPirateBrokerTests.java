package dev.pirate.spring.test;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.broker.InProcessContext;
import dev.pirate.spring.autoconfigure.PirateAutoConfiguration;
import dev.pirate.spring.worker.MajordomoWorkerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link EmbeddedPirateBroker @EmbeddedPirateBroker} and {@link PirateTestSupport}: the
 * context gets a broker on a free loopback port even though its properties name a fixed port and
 * endpoints of a broker elsewhere, and its workers and client use that broker.
 */
@SpringBootTest(classes = EmbeddedPirateBrokerTests.Application.class,
        properties = { "pirate.broker.enabled=false", "pirate.broker.bind=tcp://*:5555",
                "pirate.worker.endpoint=tcp://192.0.2.1:5555", "pirate.client.endpoint=tcp://192.0.2.1:5555",
                "pirate.worker.shutdown-grace-period=1s" })
@EmbeddedPirateBroker
@Timeout(60)
class EmbeddedPirateBrokerTests {

    @Autowired
    private MajordomoBroker broker;

    @Autowired
    private MajordomoWorkerContainer workers;

    @Autowired
    private PirateClient pirate;

    @Test
    void theBrokerIsBoundToAFreeLoopbackPortAndServesTheContextsWorkers() {
        assertThat(this.broker.connectEndpoint()).startsWith("tcp://127.0.0.1:").isNotEqualTo("tcp://127.0.0.1:5555");
        PirateTestSupport.awaitWorkersRegistered(this.workers, PirateTestSupport.DEFAULT_TIMEOUT);
        assertThat(this.workers.getWorkers()).allSatisfy((worker) -> {
            assertThat(worker.endpoint()).isIn(this.broker.connectEndpoint(), InProcessContext.ENDPOINT);
            assertThat(worker.registeredCount()).isEqualTo(worker.connections());
        });
        // The broker publishes its snapshot every 100 ms or so: it may lag the worker's registration.
        await().atMost(PirateTestSupport.DEFAULT_TIMEOUT).until(() -> this.broker.snapshot().workers() >= 1);
        assertThat(this.broker.snapshot().workers()).isEqualTo(1);
        assertThat(this.pirate.request("echo", "ahoy")).isEqualTo("ahoy");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(PirateAutoConfiguration.class)
    @Import(TestEchoService.class)
    static class Application {

    }
}
