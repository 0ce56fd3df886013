/**
 * Lazy Pirate clients: {@link dev.pirate.client.MajordomoClient} through a broker and
 * {@link dev.pirate.client.DirectClient} straight to a REP server.
 */
package dev.pirate.client;
