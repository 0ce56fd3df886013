package dev.pirate.spring.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.autoconfigure.PirateAutoConfiguration;
import dev.pirate.spring.health.BrokerHealthIndicator;
import dev.pirate.spring.health.ClientHealthIndicator;
import dev.pirate.spring.health.WorkersHealthIndicator;
import dev.pirate.spring.worker.MajordomoWorkerContainer;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@code pirate} health contributor: a
 * composite of {@code broker} (when the application runs one), {@code workers} and {@code client}.
 * Turned off with {@code management.health.pirate.enabled=false}.
 */
@AutoConfiguration(after = PirateAutoConfiguration.class)
@ConditionalOnClass({ HealthContributor.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(PirateClient.class)
@ConditionalOnEnabledHealthIndicator("pirate")
public final class PirateHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = { "pirateHealthIndicator", "pirateHealthContributor" })
    HealthContributor pirateHealthContributor(ObjectProvider<MajordomoBroker> broker,
            ObjectProvider<MajordomoWorkerContainer> workers, PirateClient client) {
        Map<String, HealthContributor> contributors = new LinkedHashMap<>();
        broker.ifUnique((b) -> contributors.put("broker", new BrokerHealthIndicator(b)));
        workers.ifUnique((w) -> contributors.put("workers", new WorkersHealthIndicator(w)));
        contributors.put("client", new ClientHealthIndicator(client));
        return CompositeHealthContributor.fromMap(contributors);
    }
}
