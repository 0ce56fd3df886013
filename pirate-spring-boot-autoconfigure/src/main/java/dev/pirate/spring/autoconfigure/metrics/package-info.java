/**
 * Auto-configuration of Pirate's Micrometer meters.
 */
@NullMarked
package dev.pirate.spring.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
