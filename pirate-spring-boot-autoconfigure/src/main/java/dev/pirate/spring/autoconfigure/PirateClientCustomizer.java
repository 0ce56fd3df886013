package dev.pirate.spring.autoconfigure;

import dev.pirate.client.DirectClient;
import dev.pirate.client.MajordomoClient;

/**
 * Customizes the clients behind the {@link dev.pirate.spring.PirateClient} bean after the
 * {@code pirate.client.*} properties are applied.
 */
@FunctionalInterface
public interface PirateClientCustomizer {

    /**
     * Customizes the builder of the brokered client.
     * @param builder the client builder
     */
    void customize(MajordomoClient.Builder builder);

    /**
     * Customizes the builder of a direct client.
     * @param name the direct endpoint's configured name
     * @param builder the client builder
     */
    default void customizeDirect(String name, DirectClient.Builder builder) {
    }
}
