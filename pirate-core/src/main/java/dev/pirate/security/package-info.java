/**
 * CURVE encryption, ZAP authentication and per-service authorization for Pirate's sockets: key
 * pairs and certificate files ({@link dev.pirate.security.CurveCertificate}), the settings of a
 * socket that binds ({@link dev.pirate.security.ServerSecurity}) or connects
 * ({@link dev.pirate.security.ClientSecurity}), and who may serve or call which service
 * ({@link dev.pirate.security.ServiceRules}).
 */
package dev.pirate.security;
