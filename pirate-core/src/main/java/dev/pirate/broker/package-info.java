/**
 * The Majordomo broker: one ROUTER socket, one event-loop thread, MDP/0.1 and MMI.
 */
package dev.pirate.broker;
