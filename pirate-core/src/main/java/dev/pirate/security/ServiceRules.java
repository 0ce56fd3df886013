package dev.pirate.security;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.pirate.protocol.Mdp;

/**
 * Which public keys may register as a worker for a service, and which may call it: authorization
 * per service, enforced by a broker from the key each message was authenticated with (CURVE).
 * <pre>{@code
 * ServiceRules rules = ServiceRules.builder()
 *         .service("payments", List.of(PAYMENTS_WORKER_KEY), List.of(SHOP_KEY, ADMIN_KEY))
 *         .service("*", List.of("*"), List.of("*"))   // every other service: every allowed key
 *         .build();
 * }</pre>
 * <ul>
 * <li>No rules at all ({@link #NONE}): every peer that got in may serve and call every service.</li>
 * <li>With rules, a service uses its own rule, else the rule of service {@value #ANY}, else nobody
 * may serve or call it.</li>
 * <li>In a rule, the key {@value #ANY} stands for every key the broker let in; an empty list for
 * nobody; a key-less peer matches {@value #ANY} only.</li>
 * <li>A broker applies no rule to a peer in its own process (over {@code inproc://}, where ZeroMQ has
 * no CURVE): it is trusted as the broker itself is. Every other peer of a CURVE broker has its key.</li>
 * <li>The broker's own {@code mmi.*} services may be called by every peer that got in.</li>
 * </ul>
 */
public final class ServiceRules {

    /** As a service name: every service without a rule of its own; as a key: every allowed key. */
    public static final String ANY = "*";

    /** No rules: authorization off. */
    public static final ServiceRules NONE = new ServiceRules(Map.of());

    /**
     * Who may serve and who may call one service.
     * @param workers the keys that may register as its workers, or {@value ServiceRules#ANY}
     * @param clients the keys that may call it, or {@value ServiceRules#ANY}
     */
    public record Access(Set<String> workers, Set<String> clients) {

        /**
         * Copies the sets.
         * @param workers the keys that may register as its workers
         * @param clients the keys that may call it
         */
        public Access {
            workers = Set.copyOf(workers);
            clients = Set.copyOf(clients);
        }

        /**
         * Tells whether a key may register as a worker.
         * @param key a public key in Z85, or {@code null} for a peer without one
         * @return {@code true} if allowed
         */
        public boolean mayServe(String key) {
            return matches(this.workers, key);
        }

        /**
         * Tells whether a key may call.
         * @param key a public key in Z85, or {@code null} for a peer without one
         * @return {@code true} if allowed
         */
        public boolean mayCall(String key) {
            return matches(this.clients, key);
        }

        private static boolean matches(Set<String> keys, String key) {
            return keys.contains(ANY) || (key != null && keys.contains(key));
        }
    }

    private final Map<String, Access> services;

    private ServiceRules(Map<String, Access> services) {
        this.services = services;
    }

    /**
     * Starts a set of rules.
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Tells whether there are no rules, so every peer that got in may serve and call every service.
     * @return {@code true} when authorization is off
     */
    public boolean isEmpty() {
        return this.services.isEmpty();
    }

    /**
     * Returns the rules by service name, {@value #ANY} included.
     * @return an unmodifiable map in the order the rules were given
     */
    public Map<String, Access> services() {
        return this.services;
    }

    /**
     * Returns the rule that applies to a service.
     * @param service a service name
     * @return its rule, the {@value #ANY} rule, or {@code null} when no rule applies and rules exist
     */
    public Access accessOf(String service) {
        Access access = this.services.get(service);
        return (access != null) ? access : this.services.get(ANY);
    }

    /**
     * Tells whether a key may register as a worker for a service.
     * @param service the service
     * @param key the worker's public key in Z85, or {@code null} for a peer without one
     * @return {@code true} if allowed
     */
    public boolean mayServe(String service, String key) {
        if (isEmpty()) {
            return true;
        }
        Access access = accessOf(service);
        return access != null && access.mayServe(key);
    }

    /**
     * Tells whether a key may call a service.
     * @param service the service
     * @param key the client's public key in Z85, or {@code null} for a peer without one
     * @return {@code true} if allowed
     */
    public boolean mayCall(String service, String key) {
        if (isEmpty() || service.startsWith(Mdp.MMI_PREFIX)) {
            return true;
        }
        Access access = accessOf(service);
        return access != null && access.mayCall(key);
    }

    @Override
    public String toString() {
        return "ServiceRules" + this.services;
    }

    /**
     * Builds {@link ServiceRules}; every name and key is checked as it is added.
     */
    public static final class Builder {

        private final Map<String, Access> services = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds the rule of a service, replacing an earlier one.
         * @param service a service name, or {@value ServiceRules#ANY} for every service without a rule
         * @param workers keys (Z85) that may register as its workers, or {@value ServiceRules#ANY}
         * @param clients keys (Z85) that may call it, or {@value ServiceRules#ANY}
         * @return this builder
         * @throws IllegalArgumentException naming the service if a name or a key is not valid
         */
        public Builder service(String service, Collection<String> workers, Collection<String> clients) {
            Objects.requireNonNull(service, "service");
            if (!ANY.equals(service) && (!Mdp.isValidServiceName(service) || service.startsWith(Mdp.MMI_PREFIX))) {
                throw new IllegalArgumentException("'" + service + "' is not a service name a worker can offer");
            }
            this.services.put(service, new Access(keys(service, "workers", workers), keys(service, "clients", clients)));
            return this;
        }

        private static Set<String> keys(String service, String role, Collection<String> keys) {
            Set<String> checked = new LinkedHashSet<>();
            int index = 0;
            for (String key : Objects.requireNonNull(keys, role)) {
                String what = role + " of service '" + service + "', entry " + (++index);
                String text = (key != null) ? key.strip() : null;
                checked.add(ANY.equals(text) ? ANY : CurveKeys.canonical(text, what));
            }
            return checked;
        }

        /**
         * Builds the rules.
         * @return the rules
         */
        public ServiceRules build() {
            return this.services.isEmpty() ? NONE : new ServiceRules(Collections.unmodifiableMap(new LinkedHashMap<>(this.services)));
        }
    }
}
