package dev.pirate.spring.autoconfigure.observation;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import dev.pirate.spring.autoconfigure.PirateAutoConfiguration;
import dev.pirate.spring.observation.ObservationMajordomoHandlerInterceptor;
import dev.pirate.spring.observation.ObservationPirateClientInterceptor;
import dev.pirate.spring.observation.PirateClientObservationConvention;
import dev.pirate.spring.observation.PirateObservationMeterHandler;
import dev.pirate.spring.observation.PirateWorkerObservationConvention;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of Micrometer Observations for the
 * {@link dev.pirate.spring.PirateClient PirateClient} and the
 * {@link dev.pirate.spring.MajordomoService @MajordomoService} handlers of {@link PirateAutoConfiguration},
 * when the application has an {@link ObservationRegistry} (Boot's, with Actuator): with tracing on the
 * class path, a handler's span is a child of its caller's. Pirate's own meters stay the only timers of
 * these calls.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
public final class PirateObservationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ObservationPirateClientInterceptor observationPirateClientInterceptor(ObservationRegistry registry,
            ObjectProvider<PirateClientObservationConvention> convention) {
        return new ObservationPirateClientInterceptor(registry, convention.getIfUnique());
    }

    @Bean
    @ConditionalOnMissingBean
    ObservationMajordomoHandlerInterceptor observationMajordomoHandlerInterceptor(ObservationRegistry registry,
            ObjectProvider<PirateWorkerObservationConvention> convention) {
        return new ObservationMajordomoHandlerInterceptor(registry, convention.getIfUnique());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterObservationHandler.class)
    static class MeterHandlerConfiguration {

        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        @ConditionalOnMissingBean
        PirateObservationMeterHandler pirateObservationMeterHandler() {
            return new PirateObservationMeterHandler();
        }
    }
}
