/**
 * Health indicators for Pirate's embedded broker, workers and client.
 */
@NullMarked
package dev.pirate.spring.health;

import org.jspecify.annotations.NullMarked;
