/**
 * Turns {@link dev.pirate.spring.MajordomoService @MajordomoService} beans into running Majordomo
 * workers: discovery and validation of the handlers, conversion, and the worker lifecycle.
 */
@NullMarked
package dev.pirate.spring.worker;

import org.jspecify.annotations.NullMarked;
