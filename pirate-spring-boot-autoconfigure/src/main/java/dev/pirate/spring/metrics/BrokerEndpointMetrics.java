package dev.pirate.spring.metrics;

import java.util.List;
import java.util.function.Supplier;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import dev.pirate.client.MajordomoClient;
import dev.pirate.worker.MajordomoWorker;

/**
 * Meters of an application that uses several brokers ({@code pirate.worker.endpoints},
 * {@code pirate.client.endpoints}), one time series per configured broker, so the {@code broker} tag
 * is bounded by the configuration:
 * <table>
 * <caption>Meters</caption>
 * <tr><td>{@code pirate.worker.broker.connected}</td><td>gauge, {@code broker}</td><td>worker
 * connections of every local service registered with that broker</td></tr>
 * <tr><td>{@code pirate.client.broker.skipped}</td><td>gauge, {@code broker}</td><td>1 while the
 * client skips that broker because attempts on it kept timing out, else 0</td></tr>
 * <tr><td>{@code pirate.client.failovers}</td><td>function counter</td><td>attempts sent to another
 * broker than the attempt before them</td></tr>
 * </table>
 * Workers and the client are read when a meter is read, never created by it. The meters are
 * registered when the binder is created, as {@link PirateMetrics}' are.
 */
public class BrokerEndpointMetrics {

    private final List<String> workerEndpoints;

    private final List<String> clientEndpoints;

    private final Supplier<List<MajordomoWorker>> workers;

    private final Supplier<@Nullable MajordomoClient> client;

    /**
     * Creates the meters.
     * @param registry where the meters are registered
     * @param workerEndpoints the brokers the workers register with; meters only if there are several
     * @param clientEndpoints the brokers the client uses; meters only if there are several
     * @param workers the running workers
     * @param client the client if it has been created, else {@code null}
     */
    public BrokerEndpointMetrics(MeterRegistry registry, List<String> workerEndpoints, List<String> clientEndpoints,
            Supplier<List<MajordomoWorker>> workers, Supplier<@Nullable MajordomoClient> client) {
        this.workerEndpoints = List.copyOf(workerEndpoints);
        this.clientEndpoints = List.copyOf(clientEndpoints);
        this.workers = workers;
        this.client = client;
        bindTo(registry);
    }

    private void bindTo(MeterRegistry registry) {
        if (this.workerEndpoints.size() > 1) {
            for (String broker : this.workerEndpoints) {
                Gauge.builder("pirate.worker.broker.connected", () -> registered(broker))
                    .description("Worker connections registered with one broker, over every local service")
                    .tag("broker", broker)
                    .register(registry);
            }
        }
        if (this.clientEndpoints.size() > 1) {
            for (String broker : this.clientEndpoints) {
                Gauge.builder("pirate.client.broker.skipped", () -> skipped(broker))
                    .description("1 while the client skips the broker after attempts on it kept timing out")
                    .tag("broker", broker)
                    .register(registry);
            }
            FunctionCounter.builder("pirate.client.failovers", this, BrokerEndpointMetrics::failovers)
                .description("Attempts sent to another broker than the attempt before them")
                .register(registry);
        }
    }

    private int registered(String broker) {
        int count = 0;
        for (MajordomoWorker worker : this.workers.get()) {
            count += worker.registeredCount(broker);
        }
        return count;
    }

    private int skipped(String broker) {
        MajordomoClient current = this.client.get();
        return (current != null && current.isBrokerSkipped(broker)) ? 1 : 0;
    }

    private double failovers() {
        MajordomoClient current = this.client.get();
        return (current != null) ? current.failovers() : 0;
    }
}
