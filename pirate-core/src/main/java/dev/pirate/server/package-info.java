/**
 * The Guide's multi-threaded ROUTER/DEALER server for plain REQ/REP services.
 */
package dev.pirate.server;
