/**
 * Auto-configuration of Pirate's actuator endpoint.
 */
@NullMarked
package dev.pirate.spring.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
