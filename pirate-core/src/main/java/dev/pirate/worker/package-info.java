/**
 * The Majordomo worker: one DEALER and one thread per connection, heartbeats, liveness and
 * reconnect back-off.
 */
package dev.pirate.worker;
