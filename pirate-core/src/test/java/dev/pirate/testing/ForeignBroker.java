package dev.pirate.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A scripted ROUTER that plays a foreign MDP/0.1 broker towards a Pirate client: the client's PX/1
 * question ({@code mmi.pirate}) is answered {@code 501}, as RFC 8 has it for an unknown
 * {@code mmi.*} service, so the client goes on in plain MDP/0.1.
 */
public final class ForeignBroker {

    private static final byte[] MMI_PIRATE = "mmi.pirate".getBytes(StandardCharsets.US_ASCII);

    private ForeignBroker() {
    }

    /**
     * Receives the next client request at a ROUTER, answering any PX/1 question on the way.
     * @param router the scripted broker's ROUTER
     * @return the request, routing id first, or {@code null} if none came in five seconds
     */
    public static List<byte[]> nextRequest(RawPeer router) {
        List<byte[]> message = router.receive();
        while (message != null && message.size() > 3 && Arrays.equals(message.get(3), MMI_PIRATE)) {
            router.send(message.get(0), new byte[0], message.get(2), MMI_PIRATE, RawPeer.bytes("501"));
            message = router.receive();
        }
        return message;
    }
}
