package dev.pirate.broker;

import dev.pirate.support.ByteKey;

/**
 * The answer to a call whose client connection had gone when it came, kept a short while for the
 * call's next attempt (PX/1 request id), so a retry gets the answer instead of running the handler
 * again.
 *
 * @param requestId the call's request id
 * @param serviceFrame the service frame of the answer
 * @param body the answer's body frames (a reply or a refusal)
 * @param bytes what it is charged against the broker's byte limit
 * @param expiresAtNanos when it is dropped if no attempt came for it
 */
record KeptReply(ByteKey requestId, byte[] serviceFrame, byte[][] body, long bytes, long expiresAtNanos) {
}
