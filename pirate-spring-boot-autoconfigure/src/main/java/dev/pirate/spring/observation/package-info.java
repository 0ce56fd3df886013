/**
 * Micrometer {@link io.micrometer.observation.Observation Observations} of Pirate's calls and handlers,
 * with the caller's trace context carried to the handler through PX/1.
 */
@NullMarked
package dev.pirate.spring.observation;

import org.jspecify.annotations.NullMarked;
