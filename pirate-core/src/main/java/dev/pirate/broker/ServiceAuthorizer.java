package dev.pirate.broker;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import dev.pirate.security.ServiceRules;
import dev.pirate.support.ByteKey;

/**
 * The broker's view of its {@link ServiceRules}: answers "may this identity serve, or call, this
 * service?" for a service name as it stands in a frame, without decoding it. O(1) per question.
 * Used by the broker thread alone.
 */
final class ServiceAuthorizer {

    /** Authorization off: every peer that got in may serve and call every service. */
    static final ServiceAuthorizer ALLOW_ALL = new ServiceAuthorizer(ServiceRules.NONE);

    private final boolean everything;

    private final Map<ByteKey, ServiceRules.Access> byService = new HashMap<>();

    private final ServiceRules.Access fallback;

    private final ByteKey lookup = ByteKey.forLookup();

    ServiceAuthorizer(ServiceRules rules) {
        this.everything = rules.isEmpty();
        rules.services().forEach((service, access) -> {
            if (!ServiceRules.ANY.equals(service)) {
                this.byService.put(ByteKey.copyOf(service.getBytes(StandardCharsets.US_ASCII)), access);
            }
        });
        this.fallback = rules.services().get(ServiceRules.ANY);
    }

    /**
     * Tells whether a worker may register for a service.
     * @param serviceFrame the service name frame of its READY
     * @param userId the identity its connection was authenticated with, or {@code null}
     * @return {@code true} if allowed
     */
    boolean mayServe(byte[] serviceFrame, String userId) {
        if (this.everything) {
            return true;
        }
        ServiceRules.Access access = accessOf(serviceFrame);
        return access != null && access.mayServe(userId);
    }

    /**
     * Tells whether a client may call a service ({@code mmi.*} services are asked elsewhere).
     * @param serviceFrame the service name frame of its request
     * @param userId the identity its connection was authenticated with, or {@code null}
     * @return {@code true} if allowed
     */
    boolean mayCall(byte[] serviceFrame, String userId) {
        if (this.everything) {
            return true;
        }
        ServiceRules.Access access = accessOf(serviceFrame);
        return access != null && access.mayCall(userId);
    }

    private ServiceRules.Access accessOf(byte[] serviceFrame) {
        ServiceRules.Access access = this.byService.get(this.lookup.wrap(serviceFrame));
        return (access != null) ? access : this.fallback;
    }
}
