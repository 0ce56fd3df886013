/**
 * Frame constants and conventions of the protocols Pirate speaks: MDP/0.1 and MMI (RFC 7 and 8) and
 * PPP (RFC 6).
 */
package dev.pirate.protocol;
