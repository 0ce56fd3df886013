/**
 * The listener SPI through which the engine reports what it does, free of any metrics library.
 */
package dev.pirate.event;
