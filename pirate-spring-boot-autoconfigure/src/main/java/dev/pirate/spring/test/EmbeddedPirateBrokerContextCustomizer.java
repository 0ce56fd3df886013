package dev.pirate.spring.test;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.spring.autoconfigure.PirateConnectionDetails;
import dev.pirate.spring.broker.InProcessContext;

/**
 * Turns the embedded broker on, bound to a free loopback port, with a property source ahead of every
 * other; and registers {@link PirateConnectionDetails} that point the workers and the client at that
 * broker, so endpoints configured for production do not apply. All instances are equal, so test
 * contexts stay cacheable.
 */
class EmbeddedPirateBrokerContextCustomizer implements ContextCustomizer {

    static final String PROPERTY_SOURCE_NAME = "embeddedPirateBroker";

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
        context.getEnvironment()
            .getPropertySources()
            .addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME,
                    Map.of("pirate.broker.enabled", "true", "pirate.broker.bind", "tcp://127.0.0.1:*")));
        if (context.getBeanFactory() instanceof BeanDefinitionRegistry registry) {
            RootBeanDefinition definition = new RootBeanDefinition(PirateConnectionDetails.class,
                    () -> new EmbeddedBrokerConnectionDetails(context.getBeanProvider(MajordomoBroker.class),
                            context.getBeanProvider(InProcessContext.class)));
            registry.registerBeanDefinition("embeddedPirateBrokerConnectionDetails", definition);
        }
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other != null && other.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }
}
