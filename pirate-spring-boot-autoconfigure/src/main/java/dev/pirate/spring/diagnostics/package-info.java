/**
 * Failure analyzers that turn Pirate's start-up failures into Spring Boot failure reports.
 */
@NullMarked
package dev.pirate.spring.diagnostics;

import org.jspecify.annotations.NullMarked;
