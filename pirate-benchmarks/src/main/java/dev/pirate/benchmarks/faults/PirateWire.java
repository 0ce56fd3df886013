package dev.pirate.benchmarks.faults;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import dev.pirate.protocol.ErrorReply;

/**
 * Pirate's extension of MDP/0.1 for clients, as the suite's raw clients speak it: one extension frame
 * {@code 0x00 "PX1"} right after the service frame announces a Pirate client, and a broker answers a
 * request it refuses with a reply body of three frames: {@code 0x00 "PIRATE-REFUSED"}, a reason word
 * and a message.
 */
final class PirateWire {

    /** The extension frame a Pirate client sends after the service frame. */
    static final byte[] EXTENSION = {0x00, 'P', 'X', '1'};

    /** The first body frame of a refusal. */
    static final byte[] REFUSED = marker("PIRATE-REFUSED");

    private PirateWire() {
    }

    private static byte[] marker(String text) {
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        byte[] marker = new byte[ascii.length + 1];
        System.arraycopy(ascii, 0, marker, 1, ascii.length);
        return marker;
    }

    /**
     * Tells what a reply body says about its request.
     * @param body the reply body frames
     * @return {@code refused:<reason>}, {@code error} for a Pirate error reply, or {@code null} for
     * an answer
     */
    static String refusal(List<byte[]> body) {
        if (body.size() == 3 && Arrays.equals(body.get(0), REFUSED)) {
            return "refused:" + new String(body.get(1), StandardCharsets.US_ASCII);
        }
        return ErrorReply.isError(body) ? "error" : null;
    }
}
