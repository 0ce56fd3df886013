/**
 * The Guide's Simple Pirate and Paranoid Pirate queues.
 */
package dev.pirate.queue;
