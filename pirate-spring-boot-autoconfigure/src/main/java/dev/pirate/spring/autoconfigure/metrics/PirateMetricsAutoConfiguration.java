package dev.pirate.spring.autoconfigure.metrics;

import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.util.function.SingletonSupplier;

import dev.pirate.broker.BrokerSnapshot;
import dev.pirate.broker.MajordomoBroker;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.autoconfigure.PirateAutoConfiguration;
import dev.pirate.spring.autoconfigure.PirateProperties;
import dev.pirate.spring.metrics.BrokerEndpointMetrics;
import dev.pirate.spring.metrics.PirateMetrics;
import dev.pirate.spring.worker.MajordomoWorkerContainer;
import dev.pirate.worker.MajordomoWorker;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for {@link PirateMetrics}: a listener bean, so
 * the broker, the workers and the client of {@link PirateAutoConfiguration} report to the
 * application's {@link MeterRegistry}.
 */
@AutoConfiguration(after = PirateAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ MeterRegistry.class, PirateMetrics.class })
@ConditionalOnBean(MeterRegistry.class)
@EnableConfigurationProperties(PirateProperties.class)
public final class PirateMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PirateMetrics pirateMetrics(MeterRegistry registry, PirateProperties properties,
            ObjectProvider<MajordomoBroker> broker, ObjectProvider<MajordomoWorkerContainer> workers) {
        int maxServices = properties.getMetrics().getMaxServices();
        if (maxServices < 1) {
            throw new InvalidConfigurationPropertyValueException("pirate.metrics.max-services", maxServices,
                    "Must be at least 1");
        }
        // The broker and the workers take this listener when they are built, so they are looked up
        // only when a gauge is first read, and then kept.
        return new PirateMetrics(registry, brokerSnapshot(broker), registeredConnections(workers), maxServices);
    }

    @Bean
    @ConditionalOnMissingBean
    BrokerEndpointMetrics pirateBrokerEndpointMetrics(MeterRegistry registry, PirateProperties properties,
            ObjectProvider<MajordomoWorkerContainer> workers, ObjectProvider<PirateClient> client) {
        SingletonSupplier<MajordomoWorkerContainer> container = SingletonSupplier.of(workers::getIfUnique);
        SingletonSupplier<PirateClient> pirateClient = SingletonSupplier.of(client::getIfUnique);
        return new BrokerEndpointMetrics(registry, properties.getWorker().getEndpoints(),
                properties.getClient().getEndpoints(),
                () -> {
                    MajordomoWorkerContainer current = container.get();
                    return (current != null) ? current.getWorkers() : List.of();
                }, () -> {
                    PirateClient current = pirateClient.get();
                    return (current != null) ? current.currentMajordomoClient() : null;
                });
    }

    private static Supplier<BrokerSnapshot> brokerSnapshot(ObjectProvider<MajordomoBroker> provider) {
        SingletonSupplier<MajordomoBroker> broker = SingletonSupplier.of(provider::getIfUnique);
        return () -> {
            MajordomoBroker current = broker.get();
            return (current != null) ? current.snapshot() : BrokerSnapshot.NOT_RUNNING;
        };
    }

    private static ToIntFunction<String> registeredConnections(ObjectProvider<MajordomoWorkerContainer> provider) {
        SingletonSupplier<MajordomoWorkerContainer> container = SingletonSupplier.of(provider::getIfUnique);
        return (service) -> {
            MajordomoWorkerContainer current = container.get();
            if (current == null) {
                return 0;
            }
            int registered = 0;
            for (MajordomoWorker worker : current.getWorkers()) {
                if (worker.service().equals(service)) {
                    registered += worker.registeredCount();
                }
            }
            return registered;
        };
    }
}
