package dev.pirate.benchmarks.springpath;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.pirate.cli.bench.Payload;
import dev.pirate.cli.bench.RoundTrip;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.autoconfigure.metrics.PirateMetricsAutoConfiguration;
import dev.pirate.spring.metrics.PirateMetrics;

/**
 * The starter's path: a Spring Boot application context (no web server) with every
 * auto-configuration on the class path, the {@link SpringEchoService} bean and the
 * {@link PirateClient} bean, connected to the shared broker through properties.
 * <p>
 * With metrics on (the default) the context is what an application with the starter gets: a
 * Prometheus {@link MeterRegistry} and the {@link PirateMetrics} listener on the workers and the
 * client. Without, Pirate's metrics auto-configuration is excluded, so only the conversion and the
 * Spring wiring differ from the core variant.
 */
final class SpringVariant implements Variant {

    private final ConfigurableApplicationContext context;

    private final PirateClient client;

    private final boolean metrics;

    private SpringVariant(ConfigurableApplicationContext context, boolean metrics) {
        this.context = context;
        this.client = context.getBean(PirateClient.class);
        this.metrics = metrics;
    }

    /**
     * Starts the application context; its workers connect as it starts.
     * @param endpoint the broker
     * @param metrics whether Pirate's metrics auto-configuration applies, as it does by default
     * @return the running variant
     * @throws IllegalStateException if the context does not have what the variant is meant to measure
     */
    static SpringVariant start(String endpoint, boolean metrics) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("pirate.worker.endpoint", endpoint);
        properties.put("pirate.worker.heartbeat-interval", Settings.HEARTBEAT.toMillis() + "ms");
        properties.put("pirate.worker.shutdown-grace-period", Settings.SHUTDOWN_GRACE.toMillis() + "ms");
        properties.put("pirate.client.endpoint", endpoint);
        properties.put("pirate.client.timeout", Settings.TIMEOUT.toMillis() + "ms");
        properties.put("pirate.client.retries", "0");
        if (!metrics) {
            properties.put("spring.autoconfigure.exclude", PirateMetricsAutoConfiguration.class.getName());
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SpringEchoApplication.class)
            .web(WebApplicationType.NONE)
            .bannerMode(Banner.Mode.OFF)
            .logStartupInfo(false)
            .properties(properties)
            .run();
        try {
            SpringVariant variant = new SpringVariant(context, metrics);
            variant.checkMetrics();
            return variant;
        }
        catch (RuntimeException ex) {
            context.close();
            throw ex;
        }
    }

    /** Fails if metrics are not as asked, e.g. because auto-configurations were lost in packaging. */
    private void checkMetrics() {
        boolean listening = this.context.getBeanProvider(PirateMetrics.class).getIfAvailable() != null;
        if (listening != this.metrics) {
            throw new IllegalStateException("Expected Pirate's metrics " + (this.metrics ? "on" : "off")
                    + " but the PirateMetrics listener is " + (listening ? "present" : "absent")
                    + "; registries: " + registries());
        }
    }

    private String registries() {
        return this.context.getBeansOfType(MeterRegistry.class).values().stream()
            .map((registry) -> registry.getClass().getSimpleName())
            .collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public String name() {
        return this.metrics ? "spring" : "spring-no-metrics";
    }

    @Override
    public String service() {
        return SpringEchoService.SERVICE;
    }

    @Override
    public String describe() {
        return "Spring Boot context: @MajordomoService byte[] echo(byte[]) (concurrency " + Settings.CONNECTIONS
                + ") + PirateClient.request(service, byte[]); metrics "
                + (this.metrics ? "on (PirateMetrics listener, registries " + registries() + ")"
                        : "off (PirateMetricsAutoConfiguration excluded)");
    }

    @Override
    public RoundTrip roundTrip(Payload payload) {
        return () -> payload.checkEcho(this.client.request(SpringEchoService.SERVICE, payload.body()));
    }

    /**
     * Closes the context, which stops the workers (DISCONNECT, then the grace period) and closes
     * the client.
     */
    @Override
    public void close() {
        this.context.close();
    }
}
