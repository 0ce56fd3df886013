/**
 * Micrometer meters for Pirate's broker, workers and clients, fed by the engine's listener SPI.
 */
@NullMarked
package dev.pirate.spring.metrics;

import org.jspecify.annotations.NullMarked;
