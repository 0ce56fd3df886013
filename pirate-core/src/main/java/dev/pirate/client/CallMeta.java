package dev.pirate.client;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What every attempt of one call tells the wire about the call: its identity, the same on every
 * attempt so a broker can recognise a retry of work it already holds, and its deadline, so nothing
 * downstream works on an answer the caller no longer waits for.
 *
 * @param requestId 16 random bytes, unique to the call; not secret, never to be used as a credential
 * @param deadlineNanos the call's deadline on the {@link System#nanoTime()} clock
 * @param traceContext the caller's trace context in ASCII, or {@code null}
 */
record CallMeta(byte[] requestId, long deadlineNanos, byte[] traceContext) {

    static final int REQUEST_ID_BYTES = 16;

    /**
     * Starts the identity of a new call. {@link ThreadLocalRandom} rather than SecureRandom: an id
     * only has to be unique, and this runs once per call on the caller's or the I/O thread, where a
     * blocking or contended entropy source must not be.
     */
    static CallMeta newCall(long deadlineNanos, String traceContext) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong();
        long low = random.nextLong();
        byte[] id = new byte[REQUEST_ID_BYTES];
        for (int i = 0; i < 8; i++) {
            id[i] = (byte) (high >>> (56 - 8 * i));
            id[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return new CallMeta(id, deadlineNanos,
                (traceContext != null) ? traceContext.getBytes(StandardCharsets.US_ASCII) : null);
    }

    /**
     * Returns the time left until the call's deadline, as the wire would carry it.
     * @return milliseconds left, zero once the deadline passed
     */
    long remainingMillis() {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(this.deadlineNanos - System.nanoTime()));
    }
}
