/**
 * Actuator endpoint that shows Pirate's broker, workers and client.
 */
@NullMarked
package dev.pirate.spring.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
