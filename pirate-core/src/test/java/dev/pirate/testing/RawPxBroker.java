package dev.pirate.testing;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;

import java.util.List;

import dev.pirate.protocol.Mdp;

/**
 * A raw ROUTER standing in for a broker that speaks PX/1 to clients: it answers the client's PX/1
 * question itself and hands the test every other request, so the test decides which broker answers.
 */
public final class RawPxBroker {

    private RawPxBroker() {
    }

    /**
     * Receives one client message, answering the PX/1 question ({@code mmi.pirate}) if that is what it is.
     * @return the request (routing id, empty, {@code MDPC01}, service, PX frame, body...), or
     *     {@code null} if nothing else came within the wait
     */
    public static List<byte[]> nextRequest(RawPeer router, int waitMillis) {
        List<byte[]> message = router.receive(waitMillis);
        if (message == null) {
            return null;
        }
        if (service(message).equals("mmi.pirate")) {
            router.send(message.get(0), Mdp.EMPTY, Mdp.CLIENT_HEADER, bytes("mmi.pirate"), bytes("200"), bytes("PX1"));
            return null;
        }
        return message;
    }

    /** The service a client message names. */
    public static String service(List<byte[]> message) {
        return text(message.get(3));
    }

    /** Replies to a request with one body frame. */
    public static void reply(RawPeer router, List<byte[]> request, String body) {
        router.send(request.get(0), Mdp.EMPTY, Mdp.CLIENT_HEADER, request.get(3), bytes(body));
    }
}
