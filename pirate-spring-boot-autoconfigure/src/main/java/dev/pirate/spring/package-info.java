/**
 * Pirate for Spring: the {@link dev.pirate.spring.MajordomoService @MajordomoService} stereotype,
 * the {@link dev.pirate.spring.PirateClient} bean and the payload conversions they share.
 */
@NullMarked
package dev.pirate.spring;

import org.jspecify.annotations.NullMarked;
