/**
 * An embedded Majordomo broker managed by the application context.
 */
@NullMarked
package dev.pirate.spring.broker;

import org.jspecify.annotations.NullMarked;
