package dev.pirate.spring.test;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Adds an {@link EmbeddedPirateBrokerContextCustomizer} to the contexts of test classes annotated with
 * {@link EmbeddedPirateBroker @EmbeddedPirateBroker} (registered in {@code META-INF/spring.factories}).
 */
class EmbeddedPirateBrokerContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return TestContextAnnotationUtils.hasAnnotation(testClass, EmbeddedPirateBroker.class)
                ? new EmbeddedPirateBrokerContextCustomizer() : null;
    }
}
