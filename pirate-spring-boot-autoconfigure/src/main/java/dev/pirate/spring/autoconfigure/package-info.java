/**
 * Auto-configuration for Pirate: properties under {@code pirate.*}, the embedded broker, the workers
 * of {@link dev.pirate.spring.MajordomoService @MajordomoService} beans and the
 * {@link dev.pirate.spring.PirateClient} bean.
 */
@NullMarked
package dev.pirate.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
