package dev.pirate.broker;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import dev.pirate.security.ServiceRules;
import dev.pirate.support.ByteKey;
import dev.pirate.support.FrameBuffer;

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
     * Tells whether a worker may register for a service. A peer in the broker's own process
     * ({@code inproc://}, no CURVE) is trusted as the broker is; any other is judged by the identity
     * its connection was authenticated with, and one without such an identity matches
     * {@value ServiceRules#ANY} only.
     * @param serviceFrame the service name frame of its READY
     * @param message the READY, for the identity of its sender
     * @return {@code true} if allowed
     */
    boolean mayServe(byte[] serviceFrame, FrameBuffer message) {
        if (this.everything || message.isInProcess()) {
            return true;
        }
        ServiceRules.Access access = accessOf(serviceFrame);
        return access != null && access.mayServe(message.userId());
    }

    /**
     * Tells whether a client may call a service ({@code mmi.*} services are asked elsewhere), by the
     * same rules as {@link #mayServe(byte[], FrameBuffer)}.
     * @param serviceFrame the service name frame of its request
     * @param message the request, for the identity of its sender
     * @return {@code true} if allowed
     */
    boolean mayCall(byte[] serviceFrame, FrameBuffer message) {
        if (this.everything || message.isInProcess()) {
            return true;
        }
        ServiceRules.Access access = accessOf(serviceFrame);
        return access != null && access.mayCall(message.userId());
    }

    private ServiceRules.Access accessOf(byte[] serviceFrame) {
        ServiceRules.Access access = this.byService.get(this.lookup.wrap(serviceFrame));
        return (access != null) ? access : this.fallback;
    }
}
