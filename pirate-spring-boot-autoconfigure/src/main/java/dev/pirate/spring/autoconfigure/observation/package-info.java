/**
 * Auto-configuration of Pirate's Micrometer Observations.
 */
@NullMarked
package dev.pirate.spring.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
