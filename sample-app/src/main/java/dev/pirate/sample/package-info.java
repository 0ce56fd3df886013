/**
 * Pirate's sample application: services, gateway and error mapping.
 */
@NullMarked
package dev.pirate.sample;

import org.jspecify.annotations.NullMarked;
