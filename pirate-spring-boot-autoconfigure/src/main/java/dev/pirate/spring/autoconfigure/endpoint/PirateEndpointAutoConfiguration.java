package dev.pirate.spring.autoconfigure.endpoint;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.actuate.endpoint.PirateEndpoint;
import dev.pirate.spring.autoconfigure.PirateAutoConfiguration;
import dev.pirate.spring.worker.MajordomoWorkerContainer;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link PirateEndpoint}, when it is
 * enabled and exposed ({@code management.endpoints.web.exposure.include=pirate}).
 */
@AutoConfiguration(after = PirateAutoConfiguration.class)
@ConditionalOnClass({ PirateEndpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(PirateEndpoint.class)
public final class PirateEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PirateEndpoint pirateEndpoint(ObjectProvider<MajordomoBroker> broker,
            ObjectProvider<MajordomoWorkerContainer> workers, ObjectProvider<PirateClient> client) {
        return new PirateEndpoint(broker.getIfUnique(), workers.getIfUnique(), client.getIfUnique());
    }
}
