/**
 * Auto-configuration of Pirate's health contributor.
 */
@NullMarked
package dev.pirate.spring.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
