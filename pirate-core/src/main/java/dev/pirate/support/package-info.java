/**
 * Small building blocks shared by Pirate's event loops. Not part of the supported API.
 */
package dev.pirate.support;
