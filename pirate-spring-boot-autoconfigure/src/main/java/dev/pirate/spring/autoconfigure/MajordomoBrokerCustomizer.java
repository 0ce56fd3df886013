package dev.pirate.spring.autoconfigure;

import dev.pirate.broker.MajordomoBroker;

/**
 * Customizes the embedded broker's builder after the {@code pirate.broker.*} properties are applied,
 * for example to bind a second endpoint.
 */
@FunctionalInterface
public interface MajordomoBrokerCustomizer {

    /**
     * Customizes the builder.
     * @param builder the broker builder
     */
    void customize(MajordomoBroker.Builder builder);
}
