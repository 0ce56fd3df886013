/**
 * Test support: {@link dev.pirate.spring.test.EmbeddedPirateBroker @EmbeddedPirateBroker} gives a
 * test's application context a broker on a free loopback port, and {@link dev.pirate.spring.test.PirateTestSupport}
 * waits until the context's workers have registered with it. Needs {@code spring-test} on the class path.
 */
@NullMarked
package dev.pirate.spring.test;

import org.jspecify.annotations.NullMarked;
